{{- define "ksit.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ksit.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "ksit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ksit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "ksit.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "ksit.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ksit
{{- end }}

{{- define "ksit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ksit.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ksit.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The job label Prometheus gives the worker's series; files/alerts.yaml and the dashboard select on it. */}}
{{- define "ksit.metricsJob" -}}ksit-worker{{- end }}

{{/* TLS to Temporal is on when asked for or when a TLS Secret is given. */}}
{{- define "ksit.temporalTls" -}}
{{- if or .Values.temporal.tls.enabled .Values.temporal.tls.existingSecret }}true{{ end }}
{{- end }}

{{/* One NetworkPolicy egress rule from a group {ports, cidrs, peers}; UDP and TCP for DNS. */}}
{{- define "ksit.egressRule" -}}
{{- $group := index . 0 }}
{{- $protocols := index . 1 -}}
- ports:
  {{- range $port := $group.ports }}
  {{- range $protocol := $protocols }}
    - port: {{ $port }}
      protocol: {{ $protocol }}
  {{- end }}
  {{- end }}
  {{- if or $group.cidrs $group.peers }}
  to:
    {{- range $cidr := $group.cidrs }}
    - ipBlock:
        cidr: {{ $cidr }}
    {{- end }}
    {{- with $group.peers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end }}

{{/* Environment for reaching Temporal (worker and setup Job): address, namespace, queue, TLS, API key. */}}
{{- define "ksit.temporalEnv" -}}
{{- $tls := include "ksit.temporalTls" . }}
{{- $tlsSecret := .Values.temporal.tls.existingSecret -}}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required" .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: KSIT_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- if $tls }}
- name: TEMPORAL_TLS
  value: "true"
{{- with .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- if $tlsSecret }}
{{- with .Values.temporal.tls.certKey }}
- name: TEMPORAL_TLS_CLIENT_CERT_PATH
  value: /etc/ksit/temporal-tls/{{ . }}
{{- end }}
{{- with .Values.temporal.tls.keyKey }}
- name: TEMPORAL_TLS_CLIENT_KEY_PATH
  value: /etc/ksit/temporal-tls/{{ . }}
{{- end }}
{{- with .Values.temporal.tls.caKey }}
- name: TEMPORAL_TLS_SERVER_CA_CERT_PATH
  value: /etc/ksit/temporal-tls/{{ . }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.temporal.apiKey.existingSecret }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.temporal.apiKey.key }}
{{- end }}
{{- end }}

{{- define "ksit.temporalVolumeMounts" -}}
{{- $tlsSecret := .Values.temporal.tls.existingSecret -}}
{{- if $tlsSecret }}
- name: temporal-tls
  mountPath: /etc/ksit/temporal-tls
  readOnly: true
{{- end }}
{{- end }}

{{- define "ksit.temporalVolumes" -}}
{{- $tlsSecret := .Values.temporal.tls.existingSecret -}}
{{- if $tlsSecret }}
- name: temporal-tls
  secret:
    secretName: {{ $tlsSecret }}
    defaultMode: 0440
    items:
      {{- range $key := list .Values.temporal.tls.certKey .Values.temporal.tls.keyKey .Values.temporal.tls.caKey }}
      {{- if $key }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
      {{- end }}
{{- end }}
{{- end }}

{{/* The worker's security settings (workers/security-settings.ts); the worker's own Secrets are never kubeconfigs. */}}
{{- define "ksit.securityEnv" -}}
{{- $ns := .Release.Namespace }}
{{- $reserved := list }}
{{- range (list .Values.codec.existingSecret .Values.temporal.tls.existingSecret .Values.temporal.apiKey.existingSecret) }}
{{- if . }}{{ $reserved = append $reserved (printf "%s/%s" $ns .) }}{{ end }}
{{- end -}}
{{- with .Values.security -}}
- name: KSIT_KUBECONFIG_ALLOW_EXEC
  value: {{ .kubeconfig.allowExec | toString | quote }}
- name: KSIT_KUBECONFIG_ALLOW_AUTH_PROVIDER
  value: {{ .kubeconfig.allowAuthProvider | toString | quote }}
- name: KSIT_KUBECONFIG_ALLOW_FILE_PATHS
  value: {{ .kubeconfig.allowFilePaths | toString | quote }}
- name: KSIT_KUBECONFIG_ALLOW_PROXY_URL
  value: {{ .kubeconfig.allowProxyUrl | toString | quote }}
- name: KSIT_KUBECONFIG_ALLOW_INSECURE_TLS
  value: {{ .kubeconfig.allowInsecureTls | toString | quote }}
- name: KSIT_KUBECONFIG_DIRS
  value: {{ join ":" .kubeconfigDirs | quote }}
- name: KSIT_ALLOW_HTTP_REPOSITORIES
  value: {{ .allowHttpRepositories | toString | quote }}
- name: KSIT_SOURCE_DIRS
  value: {{ join ":" .sourceDirs | quote }}
- name: KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS
  value: {{ .allowPrivateManifestHosts | toString | quote }}
{{- end }}
- name: KSIT_RESERVED_SECRETS
  value: {{ join "," $reserved | quote }}
{{- end }}
