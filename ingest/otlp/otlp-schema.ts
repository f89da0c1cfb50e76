import protobuf from "protobufjs";

/**
 * The OTLP messages Plumbline reads and writes, authored from the field numbers in the OTLP
 * specification (opentelemetry-proto v1: common, resource, trace, logs, metrics, collector services) as a
 * protobufjs JSON descriptor. Fields Plumbline never reads (span events, links, trace state) are left
 * out on purpose: protobuf decoders skip unknown fields, so leaving them out is both valid and faster.
 */
const descriptor = {
  nested: {
    AnyValue: {
      oneofs: { value: { oneof: ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"] } },
      fields: {
        stringValue: { type: "string", id: 1 },
        boolValue: { type: "bool", id: 2 },
        intValue: { type: "int64", id: 3 },
        doubleValue: { type: "double", id: 4 },
        arrayValue: { type: "ArrayValue", id: 5 },
        kvlistValue: { type: "KeyValueList", id: 6 },
        bytesValue: { type: "bytes", id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: "repeated", type: "AnyValue", id: 1 } } },
    KeyValueList: { fields: { values: { rule: "repeated", type: "KeyValue", id: 1 } } },
    KeyValue: { fields: { key: { type: "string", id: 1 }, value: { type: "AnyValue", id: 2 } } },
    Resource: { fields: { attributes: { rule: "repeated", type: "KeyValue", id: 1 } } },
    Status: { fields: { message: { type: "string", id: 2 }, code: { type: "int32", id: 3 } } },
    Span: {
      fields: {
        traceId: { type: "bytes", id: 1 },
        spanId: { type: "bytes", id: 2 },
        parentSpanId: { type: "bytes", id: 4 },
        name: { type: "string", id: 5 },
        kind: { type: "int32", id: 6 },
        startTimeUnixNano: { type: "fixed64", id: 7 },
        endTimeUnixNano: { type: "fixed64", id: 8 },
        attributes: { rule: "repeated", type: "KeyValue", id: 9 },
        status: { type: "Status", id: 15 },
      },
    },
    ScopeSpans: { fields: { spans: { rule: "repeated", type: "Span", id: 2 } } },
    ResourceSpans: {
      fields: { resource: { type: "Resource", id: 1 }, scopeSpans: { rule: "repeated", type: "ScopeSpans", id: 2 } },
    },
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: "repeated", type: "ResourceSpans", id: 1 } } },
    ExportTracePartialSuccess: {
      fields: { rejectedSpans: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } },
    },
    ExportTraceServiceResponse: { fields: { partialSuccess: { type: "ExportTracePartialSuccess", id: 1 } } },
    LogRecord: {
      fields: {
        timeUnixNano: { type: "fixed64", id: 1 },
        severityNumber: { type: "int32", id: 2 },
        body: { type: "AnyValue", id: 5 },
        attributes: { rule: "repeated", type: "KeyValue", id: 6 },
        traceId: { type: "bytes", id: 9 },
        spanId: { type: "bytes", id: 10 },
        observedTimeUnixNano: { type: "fixed64", id: 11 },
        eventName: { type: "string", id: 12 },
      },
    },
    ScopeLogs: { fields: { logRecords: { rule: "repeated", type: "LogRecord", id: 2 } } },
    ResourceLogs: {
      fields: { resource: { type: "Resource", id: 1 }, scopeLogs: { rule: "repeated", type: "ScopeLogs", id: 2 } },
    },
    ExportLogsServiceRequest: { fields: { resourceLogs: { rule: "repeated", type: "ResourceLogs", id: 1 } } },
    ExportLogsPartialSuccess: {
      fields: { rejectedLogRecords: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } },
    },
    ExportLogsServiceResponse: { fields: { partialSuccess: { type: "ExportLogsPartialSuccess", id: 1 } } },
    // Metrics (opentelemetry-proto metrics/v1): sums and gauges are read; histogram, exponential
    // histogram and summary points are only counted, to reject them by name.
    NumberDataPoint: {
      oneofs: { value: { oneof: ["asDouble", "asInt"] } },
      fields: {
        startTimeUnixNano: { type: "fixed64", id: 2 },
        timeUnixNano: { type: "fixed64", id: 3 },
        asDouble: { type: "double", id: 4 },
        asInt: { type: "sfixed64", id: 6 },
        attributes: { rule: "repeated", type: "KeyValue", id: 7 },
      },
    },
    CountedPoint: { fields: { timeUnixNano: { type: "fixed64", id: 3 } } },
    Gauge: { fields: { dataPoints: { rule: "repeated", type: "NumberDataPoint", id: 1 } } },
    Sum: {
      fields: {
        dataPoints: { rule: "repeated", type: "NumberDataPoint", id: 1 },
        aggregationTemporality: { type: "int32", id: 2 },
        isMonotonic: { type: "bool", id: 3 },
      },
    },
    CountedPoints: { fields: { dataPoints: { rule: "repeated", type: "CountedPoint", id: 1 } } },
    Metric: {
      oneofs: { data: { oneof: ["gauge", "sum", "histogram", "exponentialHistogram", "summary"] } },
      fields: {
        name: { type: "string", id: 1 },
        unit: { type: "string", id: 3 },
        gauge: { type: "Gauge", id: 5 },
        sum: { type: "Sum", id: 7 },
        histogram: { type: "CountedPoints", id: 9 },
        exponentialHistogram: { type: "CountedPoints", id: 10 },
        summary: { type: "CountedPoints", id: 11 },
      },
    },
    ScopeMetrics: { fields: { metrics: { rule: "repeated", type: "Metric", id: 2 } } },
    ResourceMetrics: {
      fields: { resource: { type: "Resource", id: 1 }, scopeMetrics: { rule: "repeated", type: "ScopeMetrics", id: 2 } },
    },
    ExportMetricsServiceRequest: { fields: { resourceMetrics: { rule: "repeated", type: "ResourceMetrics", id: 1 } } },
    ExportMetricsPartialSuccess: {
      fields: { rejectedDataPoints: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } },
    },
    ExportMetricsServiceResponse: { fields: { partialSuccess: { type: "ExportMetricsPartialSuccess", id: 1 } } },
    // google.rpc.Status: the body of OTLP/HTTP error responses (OTLP spec, "Failures").
    RpcStatus: { fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 } } },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

export const otlpTypes = {
  traceRequest: root.lookupType("ExportTraceServiceRequest"),
  traceResponse: root.lookupType("ExportTraceServiceResponse"),
  logsRequest: root.lookupType("ExportLogsServiceRequest"),
  logsResponse: root.lookupType("ExportLogsServiceResponse"),
  metricsRequest: root.lookupType("ExportMetricsServiceRequest"),
  metricsResponse: root.lookupType("ExportMetricsServiceResponse"),
  rpcStatus: root.lookupType("RpcStatus"),
};
