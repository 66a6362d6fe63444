package rules

import (
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// The engine's own findings: what the pipeline reports around the rules
// (a file that does not parse, an object the schema rejects, a suppression
// that matches nothing). They have no Check; they are in the catalog so
// that `everynode rules`, `explain`, SARIF metadata and docs/rules.md
// describe every rule ID a finding can carry, from one list. Their IDs are
// constants of lint/finding, where the stages that report them find them.

var yamlSyntaxRule = &rule.Rule{
	ID:       finding.RuleSyntax,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "the file is not valid YAML (or has duplicate keys)",
	Doc: rule.Doc{
		What: "A file that does not parse as YAML: a tab used for indentation, an unclosed quote or " +
			"bracket, a plain value containing \": \", or the same key twice in one mapping.",
		Why: "kubectl and the API server reject the file, so nothing in it is applied. Duplicate keys " +
			"are errors because the API server's strict decoding rejects them, and tools that accept " +
			"them keep one of the values silently. The other documents of the file are still linted.",
		In: rule.InFile,
		Bad: "apiVersion: v1\n" +
			"kind: ConfigMap\n" +
			"metadata:\n" +
			"  name: agent-config\n" +
			"data:\n" +
			"  log-format: json: pretty\n",
		Good: "apiVersion: v1\n" +
			"kind: ConfigMap\n" +
			"metadata:\n" +
			"  name: agent-config\n" +
			"data:\n" +
			"  log-format: \"json: pretty\"\n",
		Fix: "Fix the YAML at the position given; the message names the mistake (a tab used for " +
			"indentation, an unclosed quote or bracket, a value containing \": \" that needs quotes). " +
			"Remove or merge a duplicate key.",
	},
}

var schemaRule = &rule.Rule{
	ID:       finding.RuleSchema,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "the official schema of the kind rejects the object",
	Doc: rule.Doc{
		What: "A field that the official OpenAPI schema of the kind, for the target Kubernetes version, " +
			"rejects: a value of the wrong type, an unknown field, a missing required field, a value " +
			"outside the allowed ones. Custom resources are checked against the openAPIV3Schema of " +
			"their CustomResourceDefinition.",
		Why: "The API server rejects the object on apply. Unknown fields are errors, as with " +
			"`kubectl --validate=strict`: a misspelt field is otherwise dropped without a word. Where a " +
			"rule explains the same problem better (`replicas` in a DaemonSet), only the rule's finding " +
			"is reported.",
		In: rule.InContainer,
		Bad: "securityContext:\n" +
			"  runAsNonroot: true\n",
		Good: "securityContext:\n" +
			"  runAsNonRoot: true\n",
		Fix: "Change the field as the message says (a wrong type, an unknown field with a suggestion, " +
			"a missing required field). `--strict=false` makes unknown fields acceptable. Check " +
			"`--kubernetes-version` when a field is newer than the cluster.",
	},
	Fix:   fixDidYouMean,
	Fixes: rule.UnsafeFix,
}

var removedAPIVersionRule = &rule.Rule{
	ID:       finding.RuleRemovedAPI,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "the API version no longer exists in the target Kubernetes version",
	Doc: rule.Doc{
		What: "An `apiVersion` that the target Kubernetes version no longer serves for the kind, such as " +
			"`extensions/v1beta1` for a DaemonSet (removed in Kubernetes 1.16).",
		Why: "The API server answers \"no matches for kind\" and applies nothing of the object.",
		Bad: "apiVersion: extensions/v1beta1\n" +
			"kind: DaemonSet\n" +
			"metadata: {name: node-agent, namespace: monitoring}\n" +
			"spec:\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Good: "apiVersion: apps/v1\n" +
			"kind: DaemonSet\n" +
			"metadata: {name: node-agent, namespace: monitoring}\n" +
			"spec:\n" +
			"  selector:\n" +
			"    matchLabels: {app.kubernetes.io/name: node-agent}\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Fix: "Move the object to the replacement API version the message names (for a DaemonSet, " +
			"`apps/v1`, which also needs `spec.selector`).",
	},
	Fix:   fixRemovedAPI,
	Fixes: rule.SafeFix,
}

var noSchemaRule = &rule.Rule{
	ID:       finding.RuleNoSchema,
	Category: rule.Engine,
	Severity: finding.Info,
	Summary:  "no schema for the kind (a custom resource without its CRD)",
	Doc: rule.Doc{
		What: "An object of a kind that has no schema: a custom resource whose " +
			"CustomResourceDefinition is neither among the linted files nor given with `--crd`, or a " +
			"kind the target Kubernetes version does not have.",
		Why: "Without a schema the object is not validated, so a misspelt field reaches the cluster. It " +
			"is info, not an error: a repository of custom resources lints quietly until their CRDs " +
			"are at hand.",
		Bad: "apiVersion: monitoring.example.com/v1\n" +
			"kind: ScrapeConfig\n" +
			"metadata: {name: node, namespace: monitoring}\n" +
			"spec: {interval: 30s}\n",
		Good: "apiVersion: apiextensions.k8s.io/v1\n" +
			"kind: CustomResourceDefinition\n" +
			"metadata: {name: scrapeconfigs.monitoring.example.com}\n" +
			"spec:\n" +
			"  group: monitoring.example.com\n" +
			"  names: {kind: ScrapeConfig, plural: scrapeconfigs}\n" +
			"  scope: Namespaced\n" +
			"  versions:\n" +
			"    - name: v1\n" +
			"      served: true\n" +
			"      storage: true\n" +
			"      schema:\n" +
			"        openAPIV3Schema:\n" +
			"          type: object\n" +
			"          properties:\n" +
			"            spec:\n" +
			"              type: object\n" +
			"              properties:\n" +
			"                interval: {type: string}\n" +
			"---\n" +
			"apiVersion: monitoring.example.com/v1\n" +
			"kind: ScrapeConfig\n" +
			"metadata: {name: node, namespace: monitoring}\n" +
			"spec: {interval: 30s}\n",
		Fix: "Pass the CustomResourceDefinition with `--crd FILE|DIR`, or lint it together with the " +
			"custom resources, to have them validated.",
	},
}

var limitExceededRule = &rule.Rule{
	ID:       finding.RuleLimit,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "an input exceeds a size, depth or alias limit",
	Doc: rule.Doc{
		What: "An input larger than 32 MiB, a document nested deeper than 256 levels, or one that " +
			"expands to more than two million values (YAML aliases that refer to aliases, the " +
			"\"billion laughs\").",
		Why: "No manifest comes near these limits (Kubernetes objects nest about 20 deep; a whole CNI " +
			"install is some 20,000 values), and everything in a linted repository is untrusted: the " +
			"limits keep a hostile file from exhausting memory on a CI runner. The rest of the input " +
			"is still linted.",
		In: rule.InFile,
		Bad: "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
			"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
			"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
			"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
			"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" +
			"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
			"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]   # ten million values\n",
		Good: "a: [x, x, x, x, x, x, x, x, x, x]\n",
		Fix: "Split the input, or exclude generated data with `--exclude` (docs/reliability.md has the " +
			"limits). Replace aliases with the values they stand for.",
	},
}

var unreadableFileRule = &rule.Rule{
	ID:       finding.RuleUnreadable,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "a file met while walking a directory cannot be read",
	Doc: rule.Doc{
		What: "A file found while walking a directory that cannot be read: no permission, a dangling " +
			"symlink, or (a warning) a symlink loop or a symlink that leads outside the linted " +
			"directory, which is not followed.",
		Why: "A manifest that is not read is not checked, and a run that skipped it in silence would " +
			"pass. A path named on the command line that cannot be read is a usage error (exit 2) " +
			"instead.",
		Fix: "Fix the file's permissions, the dangling symlink or the symlink loop, or exclude the path " +
			"with `--exclude`.",
	},
}

var internalErrorRule = &rule.Rule{
	ID:       finding.RuleInternal,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "everynode failed on this object (please report it)",
	Doc: rule.Doc{
		What: "A rule or a stage of the engine failed on an object (a panic), and the finding names " +
			"which.",
		Why: "The object was not fully checked. The run goes on with the other objects and exits with " +
			"status 2, so the failure cannot pass for a clean result.",
		Fix: "This is a bug in everynode: please report it with the object that triggers it at " +
			"https://github.com/everynode/everynode/issues.",
	},
}

var kustomizeBuildRule = &rule.Rule{
	ID:       finding.RuleKustomizeBuild,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "kustomize cannot build the kustomization",
	Doc: rule.Doc{
		What: "A kustomization that kustomize cannot build: a missing resource or patch, a patch that " +
			"matches nothing, a remote base (lint runs offline and fetches nothing).",
		Why: "`kustomize build` fails the same way in the deployment pipeline, and what it would render " +
			"cannot be linted.",
		Fix: "Fix what kustomize reports at the entry named. Remote bases are not fetched: vendor them, " +
			"or lint the rendered output (`kustomize build | everynode lint -`).",
	},
}

var kustomizePathRule = &rule.Rule{
	ID:       finding.RuleKustomizePath,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "a kustomization names something that is not a file or directory inside the repository",
	Doc: rule.Doc{
		What: "An entry of a kustomization that names a file or a directory (`resources`, `bases`, " +
			"`components`, `patches`, `patchesStrategicMerge`, `patchesJson6902`, `openapi.path`, `crds`, " +
			"`configurations`, `replacements[].path`, the `files`, `envs` and `env` of `configMapGenerator` " +
			"and `secretGenerator`, `generators`, `transformers`, `validators`, and the file fields of the " +
			"builtin plugins these configure) that is not a relative path to an existing regular file or " +
			"directory inside the repository: a URL, a git repository in any spelling (`https://`, `ssh://`, " +
			"`git::`, `git@host:org/repo`, `github.com/org/repo`, with or without `?ref=`), an absolute path, " +
			"a path that leaves the repository through `..` or a symbolic link, a missing file, a device or a " +
			"named pipe.",
		Why: "A kustomization in a pull request is untrusted: kustomize would clone a repository (running " +
			"git, whose options a `?ref=` can set), fetch a URL and print the answer, or read any file on the " +
			"machine. everynode resolves every entry itself and builds only from files inside the " +
			"repository, from memory; nothing is built while one entry is refused (docs/security.md).",
		Fix: "Vendor what the kustomization needs into the repository and name it by a relative path, or " +
			"lint the output of kustomize build where the network is allowed (`kustomize build DIR | " +
			"everynode lint -`). A missing file is a typo: fix the path.",
	},
}

var kustomizeLogRule = &rule.Rule{
	ID:       finding.RuleKustomizeLog,
	Category: rule.Engine,
	Severity: finding.Warning,
	Summary:  "kustomize printed a warning while building the kustomization",
	Doc: rule.Doc{
		What: "What kustomize wrote while building: a deprecated field (`bases`, `commonLabels`, " +
			"`patchesStrategicMerge`, `vars`...), a var that was never replaced, a sort order set twice.",
		Why: "kustomize prints these on standard error, where they would reach the terminal or the CI log " +
			"raw, and a kustomization can make them carry anything (a var's name is printed as written). " +
			"everynode captures them and reports them as findings, escaped like every other.",
		Fix: "Do what the message says: move to the field kustomize names (`kustomize edit fix` does it), " +
			"or use the var, or remove it.",
	},
}

var noObjectsRule = &rule.Rule{
	ID:       finding.RuleNoObjects,
	Category: rule.Engine,
	Severity: finding.Error,
	Summary:  "--fail-if-no-objects: nothing was linted",
	Doc: rule.Doc{
		What: "With `--fail-if-no-objects`, a run that linted no Kubernetes object: every file was " +
			"skipped (Helm templates, kustomize patches, YAML that is not an object) or none was found.",
		Why: "A check that looks at nothing passes: a wrong path or an exclude that matches too much " +
			"would otherwise go unnoticed in CI.",
		Fix: "Check the paths and excludes: every file was skipped or none was found.",
	},
}

var unusedSuppressionRule = &rule.Rule{
	ID:       finding.RuleUnused,
	Category: rule.Engine,
	Severity: finding.Info,
	Summary:  "a suppression matched no finding",
	Doc: rule.Doc{
		What: "A suppression annotation or comment that suppressed nothing, or (a warning) one that " +
			"names a rule that does not exist. A suppression of a rule that is turned off is not " +
			"reported.",
		Why: "A stale suppression hides the next real finding of its rule, and a misspelt rule ID " +
			"suppresses nothing while looking as if it did.",
		Bad: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-network: \"the agent reads the node's interfaces\"\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-network: \"the agent reads the node's interfaces\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      hostNetwork: true\n",
		Fix: "Remove the ignore annotation or comment: the problem it silenced is gone (or the rule ID " +
			"is misspelt).",
	},
}

var suppressionWithoutReasonRule = &rule.Rule{
	ID:       finding.RuleWithoutReason,
	Category: rule.Engine,
	Severity: finding.Warning,
	Summary:  "a suppression gives no reason",
	Doc: rule.Doc{
		What: "A suppression annotation with an empty value, or a suppression comment without " +
			"` -- <reason>`. It still suppresses.",
		Why: "The reason is what the next reviewer reads: why this node agent needs host access, why " +
			"this finding does not apply. A suppression without one cannot be reviewed.",
		Bad: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-network: \"\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      hostNetwork: true\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-network: \"the agent reads the node's interfaces\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      hostNetwork: true\n",
		Fix: "Say why: `ignore.everynode.dev/RULE: \"<reason>\"`, or `# everynode:ignore RULE -- <reason>`.",
	},
}
