import type { Metadata } from "next";
import { PageHeader } from "@/app/components/page-header";

export const metadata: Metadata = { title: "Compliance" };

export default function CompliancePage() {
  return (
    <>
      <PageHeader title="Compliance" description="Audit and review coverage, policy violations, data-access denials." />
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        This view is being built; its data is already collected.
      </section>
    </>
  );
}
