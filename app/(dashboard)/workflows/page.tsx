import type { Metadata } from "next";
import { PageHeader } from "@/app/components/page-header";

export const metadata: Metadata = { title: "Workflows" };

export default function WorkflowsPage() {
  return (
    <>
      <PageHeader title="Workflows" description="Every automated workflow, baseline against live." />
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        This view is being built; its data is already collected.
      </section>
    </>
  );
}
