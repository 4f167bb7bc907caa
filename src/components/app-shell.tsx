"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { signOut } from "next-auth/react";
import { ActivityIcon, ArchiveIcon, BarChart3Icon, FilmIcon, FolderIcon, ListVideoIcon, LogOutIcon, MenuIcon, PlugIcon, ScrollTextIcon, SettingsIcon } from "lucide-react";
import { cn } from "~/lib/utils";

const NAV = [
  { section: null, items: [{ href: "/queue", label: "Queue", icon: ListVideoIcon }, { href: "/stats", label: "Statistics", icon: BarChart3Icon }] },
  {
    section: "Settings",
    items: [
      { href: "/settings/general", label: "General", icon: SettingsIcon },
      { href: "/settings/encoding", label: "Encoding", icon: FilmIcon },
      { href: "/settings/scan-roots", label: "Scan Roots", icon: FolderIcon },
      { href: "/settings/connections", label: "Connections", icon: PlugIcon },
    ],
  },
  {
    section: "System",
    items: [
      { href: "/system/status", label: "Status", icon: ActivityIcon },
      { href: "/system/logs", label: "Logs", icon: ScrollTextIcon },
      { href: "/system/backup", label: "Backup", icon: ArchiveIcon },
    ],
  },
] as const;

export function AppShell({ username, children }: { username: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="flex min-h-screen">
      <aside
        className={cn(
          "fixed inset-y-0 left-0 z-30 flex w-56 flex-col border-r border-border bg-sidebar transition-transform md:translate-x-0",
          menuOpen ? "translate-x-0" : "-translate-x-full",
        )}
      >
        <Link href="/queue" className="flex h-14 items-center gap-2 px-5 text-lg font-semibold">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" className="size-6" /> Optimizarr
        </Link>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-2 py-2">
          {NAV.map((group) => (
            <div key={group.section ?? "main"} className="mb-4">
              {group.section ? <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-muted/70">{group.section}</p> : null}
              {group.items.map(({ href, label, icon: Icon }) => {
                const active = pathname === href || pathname.startsWith(`${href}/`);
                return (
                  <Link
                    key={href}
                    href={href}
                    onClick={() => setMenuOpen(false)}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-3 rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-foreground",
                      active && "border-l-2 border-primary bg-surface text-foreground",
                    )}
                  >
                    <Icon className="size-4" /> {label}
                  </Link>
                );
              })}
            </div>
          ))}
        </nav>
        <div className="flex items-center justify-between border-t border-border px-4 py-3 text-sm">
          <span className="truncate text-muted" title={username}>
            {username}
          </span>
          <button onClick={() => void signOut({ callbackUrl: "/login" })} className="flex items-center gap-1 text-muted hover:text-foreground">
            <LogOutIcon className="size-4" /> Sign out
          </button>
        </div>
      </aside>
      {menuOpen ? <div className="fixed inset-0 z-20 bg-black/50 md:hidden" onClick={() => setMenuOpen(false)} /> : null}
      <div className="flex min-w-0 flex-1 flex-col md:pl-56">
        <header className="flex h-14 items-center border-b border-border px-4 md:hidden">
          <button aria-label="Open menu" onClick={() => setMenuOpen(true)} className="rounded p-2 text-muted hover:text-foreground">
            <MenuIcon className="size-5" />
          </button>
          <span className="ml-2 font-semibold">Optimizarr</span>
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 p-4 md:p-8">{children}</main>
      </div>
    </div>
  );
}
