import "~/styles/globals.css";

import type { Metadata } from "next";
import { Toaster } from "sonner";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata: Metadata = {
  title: { default: "Optimizarr", template: "%s · Optimizarr" },
  description: "Find video files bigger than they need to be and re-encode them.",
  icons: [{ rel: "icon", url: "/icon.svg" }],
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en" className="dark">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
        <Toaster theme="dark" position="bottom-right" richColors closeButton />
      </body>
    </html>
  );
}
