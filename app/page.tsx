import { redirect } from "next/navigation";
import { landingPath } from "@/app/components/landing";
import { activeTenant } from "@/app/trpc/server";
import { currentUser } from "@/server/auth/auth";

/** "/" (and the default after sign-in) lands each role on its own first page. */
export default async function Home() {
  if (!(await currentUser())) redirect("/sign-in");
  redirect(landingPath((await activeTenant()).active));
}
