import { SaxesParser } from "saxes";
import { type BaselineEvent, ImportFileError, type ParseItem } from "./baseline-event";
import { actorClassifier } from "./classify-actor";
import { lifecycleOf } from "./event-semantics";
import { parseTimestamp, type TimestampOptions } from "./parse-timestamp";

export interface XesParseOptions extends TimestampOptions {
  systemResources?: RegExp;
}

/** IEEE 1849 attribute elements; only those directly inside `<trace>` or `<event>` describe it. */
const ATTRIBUTE_TAGS = new Set(["string", "date", "int", "float", "boolean", "id"]);

/** Where each field comes from in XES (standard extensions concept, time, org, lifecycle). */
const XES_MAPPING: Record<string, string> = {
  caseId: "trace concept:name",
  activity: "concept:name",
  timestamp: "time:timestamp",
  resource: "org:resource",
  role: "org:role | org:group",
  lifecycle: "lifecycle:transition",
  humanMinutes: "workflow.human.minutes",
};

interface OpenEvent {
  line: number;
  attrs: Map<string, string>;
}

/**
 * Streams an XES event log (IEEE 1849) into events. Memory holds one trace at a time, because a trace's
 * `concept:name` (the case id) may follow its events.
 */
export async function* parseXes(chunks: AsyncIterable<Buffer>, o: XesParseOptions): AsyncGenerator<ParseItem> {
  const actorOf = actorClassifier(o.systemResources);
  const parser = new SaxesParser({ position: true, xmlns: false });
  const out: ParseItem[] = [];
  const stack: string[] = [];
  let sawRoot = false;
  let traceLine = 0;
  let traceName: string | undefined;
  let traceEvents: OpenEvent[] = [];
  let current: OpenEvent | undefined;

  const finishTrace = () => {
    if (traceName === undefined || traceName === "") {
      for (const e of traceEvents) out.push({ kind: "problem", problem: { line: e.line, reason: "trace without concept:name", detail: `trace at line ${traceLine}` } });
    } else {
      for (const e of traceEvents) out.push(toItem(e, traceName));
    }
    traceEvents = [];
    traceName = undefined;
  };

  const toItem = (e: OpenEvent, caseId: string): ParseItem => {
    const rawTime = e.attrs.get("time:timestamp");
    if (!rawTime) return { kind: "problem", problem: { line: e.line, reason: "missing timestamp" } };
    const time = parseTimestamp(rawTime, o);
    if (!time) return { kind: "problem", problem: { line: e.line, reason: "unparsable timestamp", detail: rawTime } };
    const activity = e.attrs.get("concept:name") ?? "";
    if (activity === "") return { kind: "problem", problem: { line: e.line, reason: "missing activity" } };
    const minutes = e.attrs.has("workflow.human.minutes") ? Number(e.attrs.get("workflow.human.minutes")) : null;
    if (minutes !== null && !(Number.isFinite(minutes) && minutes >= 0)) {
      return { kind: "problem", problem: { line: e.line, reason: "human minutes not a non-negative number", detail: e.attrs.get("workflow.human.minutes") } };
    }
    const resource = e.attrs.get("org:resource") ?? "";
    const event: BaselineEvent = {
      line: e.line,
      caseId,
      activity,
      time,
      endTime: null,
      lifecycle: lifecycleOf(e.attrs.get("lifecycle:transition") ?? ""),
      resource,
      role: e.attrs.get("org:role") ?? e.attrs.get("org:group") ?? "",
      actor: actorOf(resource),
      humanMinutes: minutes,
      // XES has no standard outcome attribute: the run's outcome is unknown (docs/conventions.md).
      outcome: "",
    };
    return { kind: "event", event };
  };

  parser.on("opentag", (tag) => {
    const parent = stack[stack.length - 1];
    stack.push(tag.name);
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== "log") throw new ImportFileError(`Not an XES log: the root element is <${tag.name}>, not <log>`, parser.line);
    }
    if (tag.name === "trace" && parent === "log") {
      traceLine = parser.line;
      traceName = undefined;
    } else if (tag.name === "event" && parent === "trace") {
      current = { line: parser.line, attrs: new Map() };
    } else if (ATTRIBUTE_TAGS.has(tag.name) && tag.attributes.key !== undefined) {
      const value = tag.attributes.value ?? "";
      if (parent === "event" && current) current.attrs.set(tag.attributes.key, value);
      else if (parent === "trace" && tag.attributes.key === "concept:name") traceName = value;
    }
  });
  parser.on("closetag", (tag) => {
    stack.pop();
    if (tag.name === "event" && current && stack[stack.length - 1] === "trace") {
      traceEvents.push(current);
      current = undefined;
    } else if (tag.name === "trace" && stack[stack.length - 1] === "log") {
      finishTrace();
    }
  });
  parser.on("error", (err: Error) => {
    throw new ImportFileError(`Not valid XML: ${err.message}`, parser.line);
  });

  yield { kind: "mapping", mapping: XES_MAPPING, headers: [], format: "xes" };
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    parser.write(decoder.decode(chunk, { stream: true }));
    yield* out.splice(0);
  }
  parser.write(decoder.decode());
  parser.close();
  if (!sawRoot) throw new ImportFileError("The file is empty or contains no XML elements");
  yield* out.splice(0);
}
