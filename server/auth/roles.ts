import { z } from "zod";

/** Roles per tenant (DESIGN.md §4); the order matches the memberships.role enum. */
export const roles = ["admin", "executive", "ops", "engineer"] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;
