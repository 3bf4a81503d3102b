// A token's page loads as the other settings pages do; the list's skeleton would announce "your tokens".
export { PageLoading as default } from "@/components/layout/page-loading";
