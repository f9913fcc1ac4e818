{{- define "ksit-target.fullname" -}}
{{- if contains "ksit" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-ksit" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "ksit-target.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: ksit
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: target-rbac
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ksit
{{- end }}

{{- define "ksit-target.serviceAccountName" -}}
{{- default (include "ksit-target.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "ksit-target.subjects" -}}
- kind: ServiceAccount
  name: {{ include "ksit-target.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- with .Values.extraSubjects }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* A ClusterRoleBinding to $role when $namespaces is empty, else a RoleBinding to it in each namespace. */}}
{{- define "ksit-target.bindings" -}}
{{- $ctx := index . 0 }}
{{- $role := index . 1 }}
{{- $namespaces := index . 2 }}
{{- if $namespaces }}
{{- range $ns := $namespaces }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $role }}
  namespace: {{ $ns }}
  labels:
    {{- include "ksit-target.labels" $ctx | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $role }}
subjects:
  {{- include "ksit-target.subjects" $ctx | nindent 2 }}
{{- end }}
{{- else }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ $role }}
  labels:
    {{- include "ksit-target.labels" $ctx | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $role }}
subjects:
  {{- include "ksit-target.subjects" $ctx | nindent 2 }}
{{- end }}
{{- end }}
