// See app/(auth)/loading.tsx for why each section has its own.
export { PageLoading as default } from "@/components/layout/page-loading";
