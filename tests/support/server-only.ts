// Lets server modules be imported in vitest (the real package throws outside React Server Components).
export {};
