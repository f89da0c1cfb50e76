import { PageSkeleton } from "@/app/components/page-skeleton";

// The list only: a run's own page answers 404 for an unknown run, so it cannot stream before it knows.
export default function Loading() {
  return <PageSkeleton what="runs" />;
}
