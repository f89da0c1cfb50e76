import type { z } from "zod";
import { WORKFLOW_KEYS } from "../auth/barrier";

/**
 * For the authorization matrix: where a procedure's zod input schema accepts a workflow name, so a
 * barred workflow can be placed at each such place (nested objects, arrays and union variants
 * included). Read from the schema, not from the procedure's code.
 */
export interface WorkflowPlace {
  /** Keys from the input's root; "[]" steps into an array's elements. */
  path: string[];
  /** The place holds a list of names (`workflows: [...]`) rather than one. */
  list: boolean;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  in?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/default/nullable/pipe wrappers to the schema that decides the value's shape. */
function core(schema: z.ZodType): Def {
  let def = defOf(schema);
  for (let i = 0; i < 20; i++) {
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!next) break;
    def = defOf(next);
  }
  return def;
}

/** Every place under `schema` whose key is a workflow key, deduplicated by path. */
export function workflowPlaces(schema: z.ZodType, path: string[] = [], depth = 0): WorkflowPlace[] {
  if (depth > 12) return [];
  const def = core(schema);
  const children: [string[], z.ZodType][] = [];
  const places: WorkflowPlace[] = [];
  if (def.type === "object" && def.shape) {
    for (const [key, value] of Object.entries(def.shape)) {
      if (WORKFLOW_KEYS.has(key)) places.push({ path: [...path, key], list: core(value).type === "array" });
      else children.push([[...path, key], value]);
    }
  }
  for (const option of def.options ?? []) children.push([path, option]);
  if (def.type === "array" && def.element) children.push([[...path, "[]"], def.element]);
  if (def.left && def.right) children.push([path, def.left], [path, def.right]);
  if (def.type === "record" && def.valueType) children.push([[...path, "*"], def.valueType]);
  for (const [p, s] of children) places.push(...workflowPlaces(s, p, depth + 1));
  const seen = new Set<string>();
  return places.filter((pl) => !seen.has(pl.path.join(".")) && seen.add(pl.path.join(".")));
}

/** Every workflow place of a procedure's chained inputs (tRPC merges them). */
export function procedurePlaces(inputs: readonly unknown[]): WorkflowPlace[] {
  const all = inputs.flatMap((s) => workflowPlaces(s as z.ZodType));
  const seen = new Set<string>();
  return all.filter((pl) => !seen.has(pl.path.join(".")) && seen.add(pl.path.join(".")));
}

/** A copy of `sample` with `name` placed at `place`, creating the objects and one-element arrays on the way. */
export function placeWorkflow(sample: unknown, place: WorkflowPlace, name: string): unknown {
  const root: unknown = structuredClone(sample ?? {});
  const set = (node: unknown, steps: string[]): unknown => {
    const [step, ...rest] = steps;
    if (step === undefined) return place.list ? [name] : name;
    if (step === "[]") {
      const items = Array.isArray(node) && node.length > 0 ? node : [{}];
      return items.map((item) => set(item, rest));
    }
    const obj = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : {};
    return { ...obj, [step]: set(obj[step], rest) };
  };
  return set(root, place.path);
}
