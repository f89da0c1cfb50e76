import type { Metadata } from "next";
import { PageHeader } from "@/app/components/page-header";

export const metadata: Metadata = { title: "Sources" };

export default function SourcesPage() {
  return (
    <>
      <PageHeader title="Sources" description="Systems of record: last sync, lag against SLA, accuracy." />
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        This view is being built; its data is already collected.
      </section>
    </>
  );
}
