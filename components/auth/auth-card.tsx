/** The frame of the sign-in and sign-up pages: the product name, a heading, the form, a footer line. */
export function AuthCard({ title, children, footer }: { title: string; children: React.ReactNode; footer: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <p className="mb-6 text-2xl font-bold tracking-tight text-brand-700">Tollgate</p>
      <div className="w-full max-w-sm rounded-lg border border-gray-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="mb-6 text-xl font-semibold">{title}</h1>
        {children}
      </div>
      <p className="mt-6 text-sm text-gray-600">{footer}</p>
    </main>
  );
}
