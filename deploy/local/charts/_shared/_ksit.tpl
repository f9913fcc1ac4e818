{{- /*
Helpers shared by ksit's test charts (each chart links this file into its templates/).
The charts exist to give ksit real objects with the real tools' names on local KWOK clusters: no real software
runs, KWOK plays the kubelet. Per-component values understood by "ksit.workload":
  enabled   (default true)  render the workload at all
  replicas  (default 1)     ignored for DaemonSets
  image                     container image; only shows up in pod status (e.g. the ImagePullBackOff message)
  fault     crashloop | imagepull | notready: sets the pod label ksit.io/fault, which KWOK's fault stages act on
*/ -}}

{{- /* The usual chart fullname: the release name when it already contains the chart's name, else release-name. */ -}}
{{- define "ksit.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* ksit.workload: one Deployment, StatefulSet or DaemonSet.
Argument: dict "root" $ "kind" KIND "name" OBJECT_NAME "component" COMPONENT "values" COMPONENT_VALUES */ -}}
{{- define "ksit.workload" -}}
{{- $root := .root -}}
{{- $v := .values | default dict -}}
{{- if not (and (hasKey $v "enabled") (not $v.enabled)) }}
---
apiVersion: apps/v1
kind: {{ .kind }}
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/instance: {{ $root.Release.Name }}
    app.kubernetes.io/component: {{ .component }}
    app.kubernetes.io/part-of: {{ $root.Chart.Name }}
    app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
    app.kubernetes.io/managed-by: {{ $root.Release.Service }}
    helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
spec:
  {{- if ne .kind "DaemonSet" }}
  replicas: {{ hasKey $v "replicas" | ternary $v.replicas 1 }}
  {{- end }}
  {{- if eq .kind "StatefulSet" }}
  serviceName: {{ .name }}
  {{- end }}
  {{- if eq .kind "Deployment" }}
  revisionHistoryLimit: 3
  {{- end }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
      app.kubernetes.io/instance: {{ $root.Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .name }}
        app.kubernetes.io/instance: {{ $root.Release.Name }}
        app.kubernetes.io/component: {{ .component }}
        {{- with $v.fault }}
        ksit.io/fault: {{ . }}
        {{- end }}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: {{ .component }}
          image: {{ $v.image | default (printf "registry.invalid/ksit/%s:%s" .component $root.Chart.AppVersion) }}
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
{{- end }}
{{- end -}}

{{- /* ksit.service: a Service in front of a ksit.workload's pods (same name), so that KWOK's ready pods become
ready endpoints. Argument: dict "root" $ "name" WORKLOAD_NAME "port" PORT "values" COMPONENT_VALUES */ -}}
{{- define "ksit.service" -}}
{{- $root := .root -}}
{{- $v := .values | default dict -}}
{{- if not (and (hasKey $v "enabled") (not $v.enabled)) }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/instance: {{ $root.Release.Name }}
    app.kubernetes.io/managed-by: {{ $root.Release.Service }}
spec:
  selector:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/instance: {{ $root.Release.Name }}
  ports:
    - name: http
      port: {{ .port }}
{{- end }}
{{- end -}}

{{- /* ksit.failInstall: with failInstall=true the chart renders an object the API server rejects (invalid name),
so `helm install` fails for real, after templating succeeded. */ -}}
{{- define "ksit.failInstall" -}}
{{- if .Values.failInstall }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: Invalid_Name_Requested_By_failInstall
  namespace: {{ .Release.Namespace }}
data:
  reason: "failInstall=true: this object is invalid on purpose"
{{- end }}
{{- end -}}
