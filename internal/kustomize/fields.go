package kustomize

// What every field of a kustomization holds, as kustomize reads it
// (types.Kustomization of sigs.k8s.io/kustomize/api v0.21.2). Every field
// that names a file, a directory or a repository is resolved by resolve.go
// to a file or directory inside the repository before kustomize sees the
// kustomization; everything else is passed on as it is. The table is
// checked against the struct by TestKustomizationFieldsClassified: when a
// new kustomize version adds a string field, that test fails until the
// field is classified here (and, if it names files, resolved).

// fieldKind says what a string field holds.
type fieldKind int

const (
	// notAPath: names, labels, values, field paths, inline content.
	notAPath fieldKind = iota
	// filePath: a file, read through the kustomization's loader.
	filePath
	// resourcePath: a file of objects, or a directory holding a
	// kustomization (resources, bases).
	resourcePath
	// componentPath: a directory holding a Component.
	componentPath
	// fileSource: [KEY=]FILE of a ConfigMap or Secret generator.
	fileSource
	// patchOrFile: an inline strategic-merge patch, or a file
	// (patchesStrategicMerge: kustomize tries the text as a patch first).
	patchOrFile
	// pluginOrPath: an inline plugin configuration, or a file or a
	// kustomization directory of them (generators, transformers,
	// validators).
	pluginOrPath
	// openAPIMap: openapi, whose "path" entry is a file.
	openAPIMap
	// refusedField: Helm, which runs a program and fetches charts; never
	// rendered.
	refusedField
)

// kustomizationFields classifies every string field of a kustomization
// by its JSON path ("[]" is an item of a list, "{}" a value of a map).
// Helm's fields are refused as a whole, so they are listed by their
// parent; every other field is listed itself, so that a new one cannot
// pass as "not a path" unnoticed.
var kustomizationFields = map[string]fieldKind{
	"kind":                                                 notAPath,
	"apiVersion":                                           notAPath,
	"metadata.name":                                        notAPath,
	"metadata.namespace":                                   notAPath,
	"metadata.labels{}":                                    notAPath,
	"metadata.annotations{}":                               notAPath,
	"openapi{}":                                            openAPIMap,
	"namePrefix":                                           notAPath,
	"nameSuffix":                                           notAPath,
	"namespace":                                            notAPath,
	"commonLabels{}":                                       notAPath,
	"labels[].pairs{}":                                     notAPath,
	"labels[].fields[].group":                              notAPath,
	"labels[].fields[].version":                            notAPath,
	"labels[].fields[].kind":                               notAPath,
	"labels[].fields[].path":                               notAPath,
	"commonAnnotations{}":                                  notAPath,
	"patchesStrategicMerge[]":                              patchOrFile,
	"patchesJson6902[].path":                               filePath,
	"patchesJson6902[].patch":                              notAPath,
	"patchesJson6902[].target.group":                       notAPath,
	"patchesJson6902[].target.version":                     notAPath,
	"patchesJson6902[].target.kind":                        notAPath,
	"patchesJson6902[].target.name":                        notAPath,
	"patchesJson6902[].target.namespace":                   notAPath,
	"patchesJson6902[].target.annotationSelector":          notAPath,
	"patchesJson6902[].target.labelSelector":               notAPath,
	"patches[].path":                                       filePath,
	"patches[].patch":                                      notAPath,
	"patches[].target.group":                               notAPath,
	"patches[].target.version":                             notAPath,
	"patches[].target.kind":                                notAPath,
	"patches[].target.name":                                notAPath,
	"patches[].target.namespace":                           notAPath,
	"patches[].target.annotationSelector":                  notAPath,
	"patches[].target.labelSelector":                       notAPath,
	"images[].name":                                        notAPath,
	"images[].newName":                                     notAPath,
	"images[].tagSuffix":                                   notAPath,
	"images[].newTag":                                      notAPath,
	"images[].digest":                                      notAPath,
	"imageTags[].name":                                     notAPath,
	"imageTags[].newName":                                  notAPath,
	"imageTags[].tagSuffix":                                notAPath,
	"imageTags[].newTag":                                   notAPath,
	"imageTags[].digest":                                   notAPath,
	"replacements[].source.group":                          notAPath,
	"replacements[].source.version":                        notAPath,
	"replacements[].source.kind":                           notAPath,
	"replacements[].source.name":                           notAPath,
	"replacements[].source.namespace":                      notAPath,
	"replacements[].source.fieldPath":                      notAPath,
	"replacements[].source.options.delimiter":              notAPath,
	"replacements[].source.options.encoding":               notAPath,
	"replacements[].targets[].select.group":                notAPath,
	"replacements[].targets[].select.version":              notAPath,
	"replacements[].targets[].select.kind":                 notAPath,
	"replacements[].targets[].select.name":                 notAPath,
	"replacements[].targets[].select.namespace":            notAPath,
	"replacements[].targets[].select.annotationSelector":   notAPath,
	"replacements[].targets[].select.labelSelector":        notAPath,
	"replacements[].targets[].reject[].group":              notAPath,
	"replacements[].targets[].reject[].version":            notAPath,
	"replacements[].targets[].reject[].kind":               notAPath,
	"replacements[].targets[].reject[].name":               notAPath,
	"replacements[].targets[].reject[].namespace":          notAPath,
	"replacements[].targets[].reject[].annotationSelector": notAPath,
	"replacements[].targets[].reject[].labelSelector":      notAPath,
	"replacements[].targets[].fieldPaths[]":                notAPath,
	"replacements[].targets[].options.delimiter":           notAPath,
	"replacements[].targets[].options.encoding":            notAPath,
	"replacements[].sourceValue":                           notAPath,
	"replacements[].path":                                  filePath,
	"replicas[].name":                                      notAPath,
	"vars[].name":                                          notAPath,
	"vars[].objref.apiVersion":                             notAPath,
	"vars[].objref.group":                                  notAPath,
	"vars[].objref.version":                                notAPath,
	"vars[].objref.kind":                                   notAPath,
	"vars[].objref.name":                                   notAPath,
	"vars[].objref.namespace":                              notAPath,
	"vars[].fieldref.fieldPath":                            notAPath,
	"sortOptions.order":                                    notAPath,
	"sortOptions.legacySortOptions.orderFirst[]":           notAPath,
	"sortOptions.legacySortOptions.orderLast[]":            notAPath,
	"resources[]":                                          resourcePath,
	"components[]":                                         componentPath,
	"crds[]":                                               filePath,
	"bases[]":                                              resourcePath,
	"configMapGenerator[].namespace":                       notAPath,
	"configMapGenerator[].name":                            notAPath,
	"configMapGenerator[].behavior":                        notAPath,
	"configMapGenerator[].literals[]":                      notAPath,
	"configMapGenerator[].files[]":                         fileSource,
	"configMapGenerator[].envs[]":                          filePath,
	"configMapGenerator[].env":                             filePath,
	"configMapGenerator[].options.labels{}":                notAPath,
	"configMapGenerator[].options.annotations{}":           notAPath,
	"secretGenerator[].namespace":                          notAPath,
	"secretGenerator[].name":                               notAPath,
	"secretGenerator[].behavior":                           notAPath,
	"secretGenerator[].literals[]":                         notAPath,
	"secretGenerator[].files[]":                            fileSource,
	"secretGenerator[].envs[]":                             filePath,
	"secretGenerator[].env":                                filePath,
	"secretGenerator[].options.labels{}":                   notAPath,
	"secretGenerator[].options.annotations{}":              notAPath,
	"secretGenerator[].type":                               notAPath,
	"generatorOptions.labels{}":                            notAPath,
	"generatorOptions.annotations{}":                       notAPath,
	"configurations[]":                                     filePath,
	"generators[]":                                         pluginOrPath,
	"transformers[]":                                       pluginOrPath,
	"validators[]":                                         pluginOrPath,
	"buildMetadata[]":                                      notAPath,
	"helmGlobals":                                          refusedField,
	"helmCharts":                                           refusedField,
	"helmChartInflationGenerator":                          refusedField,
}

// pluginFileFields lists, for each builtin plugin kustomize can be
// configured with under generators, transformers or validators, the
// fields of its configuration that name files (relative to the
// kustomization that lists the plugin). A builtin kind not listed is
// refused: deny by default.
var pluginFileFields = map[string][]pluginField{
	"AnnotationsTransformer":         nil,
	"HashTransformer":                nil,
	"IAMPolicyGenerator":             nil,
	"ImageTagTransformer":            nil,
	"LabelTransformer":               nil,
	"NamespaceTransformer":           nil,
	"PrefixSuffixTransformer":        nil,
	"PrefixTransformer":              nil,
	"SuffixTransformer":              nil,
	"ReplicaCountTransformer":        nil,
	"ConfigMapGenerator":             {{"files", fileSource, true}, {"envs", filePath, true}, {"env", filePath, false}},
	"SecretGenerator":                {{"files", fileSource, true}, {"envs", filePath, true}, {"env", filePath, false}},
	"PatchTransformer":               {{"path", filePath, false}},
	"PatchJson6902Transformer":       {{"path", filePath, false}},
	"PatchStrategicMergeTransformer": {{"paths", patchOrFile, true}},
	"ReplacementTransformer":         {{"replacements[].path", filePath, false}},
	"ValueAddTransformer":            {{"targetFilePath", filePath, false}},
}

// pluginField is a field of a builtin plugin's configuration that names
// files; list is true when it holds a list of them.
type pluginField struct {
	name string
	kind fieldKind
	list bool
}
