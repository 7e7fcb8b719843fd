{{- define "marquee.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "marquee.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "marquee.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "marquee.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one app: call with (dict "root" $ "app" "online"). */}}
{{- define "marquee.selectorLabels" -}}
app.kubernetes.io/name: {{ include "marquee.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "marquee.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "marquee.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "marquee.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "marquee.secretName" -}}
{{- default (printf "%s-auth" (include "marquee.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Settings checked at render time, so a bad value fails `helm install` instead of a pod. */}}
{{- define "marquee.checks" -}}
{{- $partitions := int .Values.kafka.playsPartitions -}}
{{- $members := mul (int .Values.nearline.replicas) (int .Values.nearline.consumersPerPod) -}}
{{- if gt (int .Values.nearline.replicas) $partitions -}}
{{- fail (printf "nearline.replicas (%d) exceeds kafka.playsPartitions (%d): a nearline pod beyond the partitions of plays gets none" (int .Values.nearline.replicas) $partitions) -}}
{{- end -}}
{{- if gt $members $partitions -}}
{{- fail (printf "nearline.replicas x nearline.consumersPerPod (%d) exceeds kafka.playsPartitions (%d): lower one of them" $members $partitions) -}}
{{- end -}}
{{- if eq .Values.env "production" -}}
{{- if and (not .Values.auth.jwksUrl) (not .Values.auth.allowLocalTokens) (not .Values.auth.existingSecret) -}}
{{- fail "auth.jwksUrl is empty and auth.allowLocalTokens is false: production needs an identity provider's JWKS URL, or local tokens allowed" -}}
{{- end -}}
{{- if or (lt (int .Values.kafka.replication) 3) (lt (int .Values.kafka.minInsyncReplicas) 2) -}}
{{- fail (printf "kafka.replication / kafka.minInsyncReplicas are %d / %d: production needs 3 / 2 (or env: development)" (int .Values.kafka.replication) (int .Values.kafka.minInsyncReplicas)) -}}
{{- end -}}
{{- if lt (int .Values.cassandra.replication) 3 -}}
{{- fail (printf "cassandra.replication is %d: production needs 3 (or env: development)" (int .Values.cassandra.replication)) -}}
{{- end -}}
{{- if and .Values.auth.jwtSecret (lt (len .Values.auth.jwtSecret) 32) -}}
{{- fail "auth.jwtSecret must be at least 32 characters" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Environment of every Marquee container: the one ConfigMap and the auth Secret. */}}
{{- define "marquee.envFrom" -}}
- configMapRef:
    name: {{ include "marquee.fullname" . }}-config
- secretRef:
    name: {{ include "marquee.secretName" . }}
{{- end -}}

{{/* Pod annotations: scraping, and a checksum of the configuration so a change rolls the pods. */}}
{{- define "marquee.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: 'true'
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Probes on an app's ops endpoints: readiness on /ready, liveness on /health. */}}
{{- define "marquee.probes" -}}
readinessProbe:
  httpGet: { path: /ready, port: http }
  periodSeconds: 5
  failureThreshold: 3
livenessProbe:
  httpGet: { path: /health, port: http }
  initialDelaySeconds: 20
  periodSeconds: 10
  failureThreshold: 6
startupProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 5
  failureThreshold: 60
{{- end -}}
