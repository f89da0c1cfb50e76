import type { Metadata } from "next";
import { PageHeader } from "@/app/components/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Workflows, sources, baselines, ingest keys, users and groups." />
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        This view is being built; its data is already collected.
      </section>
    </>
  );
}
