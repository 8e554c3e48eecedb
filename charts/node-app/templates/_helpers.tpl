{{- define "node-app.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/part-of: streamstack
{{- end }}
{{- define "node-app.selector" -}}
app.kubernetes.io/name: {{ .Release.Name }}
{{- end }}
