import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["warn", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          // The one connection is serialised (src/server/serialised-connection.ts): a `db` query
          // inside a transaction callback waits for that very transaction until it times out.
          selector: "CallExpression[callee.property.name='$transaction'] > :function MemberExpression[object.name='db']",
          message: "Inside a transaction callback use its `tx`, never `db` (see src/server/serialised-connection.ts).",
        },
      ],
    },
  },
  {
    ignores: [".next/**", "node_modules/**", "src/generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
];

export default config;
