/** What every channel renders: one alert event, free of storage details. */
export interface AlertMessage {
  event: "fire" | "resolve" | "test";
  tenantId: string;
  ruleId: string;
  ruleName: string;
  /** The rule in words, e.g. `exception-rate > 0.15 for client-intake over 1440 min`. */
  condition: string;
  severity: "info" | "warning" | "critical";
  subject: string;
  episodeId: string;
  summary: string;
  openedAt: Date;
  resolvedAt: Date | null;
  /** Where the dashboard shows this subject. */
  link: string;
}

export function headline(m: AlertMessage): string {
  const what = m.event === "resolve" ? "Resolved" : m.event === "test" ? "Test alert" : m.severity === "critical" ? "CRITICAL" : "Alert";
  return `[Plumbline] ${what}: ${m.ruleName} — ${m.subject}`;
}

/** Plumbline's own JSON webhook body (stable field names; times in ISO 8601 UTC). */
export function messageJson(m: AlertMessage): Record<string, unknown> {
  return {
    type: `alert.${m.event}`,
    tenant_id: m.tenantId,
    rule: { id: m.ruleId, name: m.ruleName, condition: m.condition, severity: m.severity },
    episode: {
      id: m.episodeId,
      subject: m.subject,
      state: m.event === "resolve" ? "resolved" : "open",
      opened_at: m.openedAt.toISOString(),
      resolved_at: m.resolvedAt?.toISOString() ?? null,
    },
    summary: m.summary,
    link: m.link,
  };
}
