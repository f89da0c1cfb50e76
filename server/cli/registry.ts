import type { Command } from "./command";
import { healthCommand } from "./commands/health";
import { migrateCommand } from "./commands/migrate";
import { tenantsCreate, tenantsList } from "./commands/tenants";

/** Every CLI command, one line each; later features add theirs here. */
export const commands: Command<never>[] = [
  migrateCommand,
  healthCommand,
  tenantsCreate,
  tenantsList,
] as Command<never>[];
