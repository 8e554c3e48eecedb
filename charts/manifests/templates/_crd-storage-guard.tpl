{{- /*
The refusal message for replacing a live CustomResourceDefinition with a new one, or nothing when the update is safe.
Every version the cluster stores objects in (the live CRD's status.storedVersions) must remain among the new CRD's
spec.versions: kube-apiserver rejects the update otherwise, and an operator that cannot read those objects would take
over. Argument: (dict "live" <the live CRD, empty when absent> "incoming" <the new CRD> "hint" <how to migrate>).
Kept apart from `lookup` so tests can call it with fixtures (lookup returns nothing under `helm template`).
*/}}
{{- define "manifests.crdStorageRefusal" -}}
{{- $stored := list -}}
{{- if .live -}}
{{- $stored = (.live.status | default dict).storedVersions | default list -}}
{{- end -}}
{{- $defined := list -}}
{{- range .incoming.spec.versions -}}
{{- $defined = append $defined .name -}}
{{- end -}}
{{- $dropped := list -}}
{{- range $stored -}}
{{- if not (has . $defined) -}}
{{- $dropped = append $dropped . -}}
{{- end -}}
{{- end -}}
{{- if $dropped -}}
CustomResourceDefinition {{ .incoming.metadata.name }} holds objects stored as {{ join ", " $dropped }}, which the new definition does not define (it defines {{ join ", " $defined }}). {{ .hint }}
{{- end -}}
{{- end -}}
