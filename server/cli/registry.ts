import type { Command } from "./command";
import { alertsCommands } from "./commands/alerts";
import { baselineCommands } from "./commands/baseline";
import { businessCommands } from "./commands/business";
import { importCommand } from "./commands/import";
import { demoCommand } from "./commands/demo";
import { healthCommand } from "./commands/health";
import { keysCreate, keysList, keysRevoke } from "./commands/keys";
import { metricsCommand } from "./commands/metrics";
import { migrateCommand } from "./commands/migrate";
import { tenantsCreate, tenantsList } from "./commands/tenants";
import { tenantsDelete, tenantsExport } from "./commands/tenant-admin";
import { backupCommand, restoreCommand } from "./commands/backup";
import { usersCreate, usersSetupLink } from "./commands/users";
import { workflowsCosts } from "./commands/workflows";

/** Every CLI command, one line each; later features add theirs here. */
export const commands: Command<never>[] = [
  migrateCommand,
  demoCommand,
  healthCommand,
  tenantsCreate,
  tenantsList,
  keysCreate,
  keysList,
  keysRevoke,
  tenantsExport,
  tenantsDelete,
  backupCommand,
  restoreCommand,
  usersCreate,
  usersSetupLink,
  metricsCommand,
  ...alertsCommands,
  importCommand,
  ...baselineCommands,
  workflowsCosts,
  ...businessCommands,
] as Command<never>[];
