import type { Metadata } from "next";
import { PageHeader } from "@/app/components/page-header";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Hours displaced and their value, ROI to date, and the 90-day, 6-month and 12-month checkpoints." />
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        This view is being built; its data is already collected.
      </section>
    </>
  );
}
