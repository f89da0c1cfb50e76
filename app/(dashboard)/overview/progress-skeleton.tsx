import { Section } from "@/app/components/section";

/** Holds the place of a progress section while it streams in, at its height, so nothing moves. */
export function ProgressSkeleton({ title }: { title: string }) {
  return (
    <Section title={title}>
      <div className="h-64 animate-pulse rounded bg-slate-100" aria-busy="true">
        <span className="sr-only">Loading…</span>
      </div>
    </Section>
  );
}
