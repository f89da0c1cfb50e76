import nodemailer from "nodemailer";
import { type AlertMessage, headline } from "./message";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Sends one e-mail; the transport is SMTP from the environment, or a test server. */
export interface Mailer {
  send(to: string, content: EmailContent): Promise<void>;
  close(): void;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Accept self-signed certificates (local relays, tests). */
  allowInsecureTls?: boolean;
}

export function smtpMailer(c: SmtpConfig): Mailer {
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure,
    auth: c.user ? { user: c.user, pass: c.password ?? "" } : undefined,
    tls: c.allowInsecureTls ? { rejectUnauthorized: false } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(to, content) {
      await transport.sendMail({ from: c.from, to, subject: content.subject, text: content.text, html: content.html });
    },
    close: () => transport.close(),
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The alert as plain text and HTML (same facts in both). */
export function alertEmail(m: AlertMessage): EmailContent {
  const state = m.event === "resolve" ? `Resolved at ${m.resolvedAt?.toISOString() ?? ""}` : `Open since ${m.openedAt.toISOString()}`;
  const lines = [m.summary, "", `Rule: ${m.ruleName} (${m.condition})`, `Severity: ${m.severity}`, `Subject: ${m.subject}`, state, "", `Open in Plumbline: ${m.link}`];
  const rows = [
    ["Rule", `${m.ruleName} (${m.condition})`],
    ["Severity", m.severity],
    ["Subject", m.subject],
    ["State", state],
  ]
    .map(([k, v]) => `<tr><th align="left" style="padding-right:12px">${escapeHtml(k ?? "")}</th><td>${escapeHtml(v ?? "")}</td></tr>`)
    .join("");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<p><strong>${escapeHtml(m.summary)}</strong></p>
<table>${rows}</table>
<p><a href="${escapeHtml(m.link)}">Open in Plumbline</a></p>
</body></html>`;
  return { subject: headline(m), text: `${lines.join("\n")}\n`, html };
}
