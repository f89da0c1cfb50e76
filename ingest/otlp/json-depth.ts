import { MAX_DEPTH } from "./wire";

const valuesOf = (list: unknown): unknown[] => {
  const values = typeof list === "object" && list !== null ? (list as { values?: unknown }).values : undefined;
  return Array.isArray(values) ? values : [];
};

/**
 * Whether an attribute's value nests AnyValues deeper than the protobuf reader accepts (wire.ts), counted
 * the same way: the attribute's value is depth 0, each array or key-value list adds one. Walked with a
 * stack of its own because the recursive OTLP/JSON schema (decode.ts) (and JSON.stringify after it) overflowed the call
 * stack at a few thousand levels, which answered 500 from the mapping thread instead of 400.
 */
export function nestedTooDeep(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (depth > MAX_DEPTH) return true;
    if (typeof v !== "object" || v === null) continue;
    const { arrayValue, kvlistValue } = v as { arrayValue?: unknown; kvlistValue?: unknown };
    for (const item of valuesOf(arrayValue)) stack.push([item, depth + 1]);
    for (const kv of valuesOf(kvlistValue)) {
      const inner = typeof kv === "object" && kv !== null ? (kv as { value?: unknown }).value : undefined;
      if (inner !== undefined) stack.push([inner, depth + 1]);
    }
  }
  return false;
}
