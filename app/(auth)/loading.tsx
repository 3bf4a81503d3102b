// Per section, not one app/loading.tsx: a root boundary would stream every page before its layout's
// checks, so /admin's 404 for non-administrators would go out as 200 (docs/architecture.md).
export { PageLoading as default } from "@/components/layout/page-loading";
