{{/*
A Deployment of one Marquee app. Call with
  (dict "root" $ "app" "online" "name" "online" "values" .Values.online "image" "repo:tag" "main" "dist/apps/online/src/main.js" "replicas" 3)
"replicas" is left out when a HorizontalPodAutoscaler owns it.
*/}}
{{- define "marquee.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "marquee.fullname" $root }}-{{ .name }}
  labels:
    {{- include "marquee.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .app }}
spec:
  {{- if hasKey . "replicas" }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "marquee.selectorLabels" (dict "root" $root "app" .app) | nindent 6 }}
      marquee.dev/pool: {{ .name }}
  template:
    metadata:
      labels:
        {{- include "marquee.selectorLabels" (dict "root" $root "app" .app) | nindent 8 }}
        marquee.dev/pool: {{ .name }}
      annotations:
        {{- include "marquee.podAnnotations" (dict "root" $root "port" $v.port) | nindent 8 }}
    spec:
      serviceAccountName: {{ include "marquee.serviceAccountName" $root }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: 60
      containers:
        - name: {{ .app }}
          image: {{ .image }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: [{{ .main | quote }}]
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          envFrom:
            {{- include "marquee.envFrom" $root | nindent 12 }}
          {{- include "marquee.probes" $root | nindent 10 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
      {{- with .nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      # Spread the replicas over nodes and zones, so losing one takes only its share.
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "marquee.selectorLabels" (dict "root" $root "app" .app) | nindent 14 }}
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "marquee.selectorLabels" (dict "root" $root "app" .app) | nindent 14 }}
{{- end -}}
