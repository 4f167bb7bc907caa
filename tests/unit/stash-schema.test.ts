import fs from "node:fs";
import path from "node:path";
import { buildSchema, isEnumType, isInputObjectType, isObjectType, parse, validate, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { STASH_DOCUMENTS } from "~/server/connections/stash";

/**
 * Our Stash queries and the fake Stash's schema excerpt, checked against Stash's full schema
 * (../shared/specs/stash/graphql/schema: schema.graphql, then types/*.graphql in alphabetical
 * order, as its SOURCES.md says). Skipped where that copy isn't checked out next to the repo.
 */
const SCHEMA_DIR = path.resolve(__dirname, "../../../shared/specs/stash/graphql/schema");
const available = fs.existsSync(path.join(SCHEMA_DIR, "schema.graphql"));

function fullStashSchema(): GraphQLSchema {
  const types = fs.readdirSync(path.join(SCHEMA_DIR, "types")).filter((name) => name.endsWith(".graphql")).sort();
  const parts = [path.join(SCHEMA_DIR, "schema.graphql"), ...types.map((name) => path.join(SCHEMA_DIR, "types", name))];
  return buildSchema(parts.map((file) => fs.readFileSync(file, "utf8")).join("\n"));
}

/** Every field, argument and enum value of the excerpt, as "Type.field: Type" lines, and which the full schema lacks or types differently. */
function excerptMismatches(full: GraphQLSchema, excerpt: GraphQLSchema): string[] {
  const mismatches: string[] = [];
  for (const [name, type] of Object.entries(excerpt.getTypeMap())) {
    if (name.startsWith("__")) continue;
    const real = full.getType(name);
    if (!real) {
      mismatches.push(`type ${name}`);
      continue;
    }
    if ((isObjectType(type) && isObjectType(real)) || (isInputObjectType(type) && isInputObjectType(real))) {
      const realFields = real.getFields();
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        const realField = realFields[fieldName];
        if (!realField || String(realField.type) !== String(field.type)) mismatches.push(`${name}.${fieldName}: ${String(field.type)}`);
        if ("args" in field && realField && "args" in realField) {
          for (const arg of field.args) {
            const realArg = realField.args.find((candidate) => candidate.name === arg.name);
            if (!realArg || String(realArg.type) !== String(arg.type)) mismatches.push(`${name}.${fieldName}(${arg.name}: ${String(arg.type)})`);
          }
        }
      }
    } else if (isEnumType(type) && isEnumType(real)) {
      for (const value of type.getValues()) if (!real.getValue(value.name)) mismatches.push(`${name}.${value.name}`);
    } else if (type.constructor !== real.constructor) {
      mismatches.push(`kind of ${name}`);
    }
  }
  return mismatches;
}

describe.skipIf(!available)("Stash GraphQL schema", () => {
  it("accepts every query the Stash client sends", () => {
    const full = fullStashSchema();
    for (const [name, document] of Object.entries(STASH_DOCUMENTS)) {
      expect({ name, errors: validate(full, parse(document)).map(String) }).toEqual({ name, errors: [] });
    }
  });

  it("has every definition of the fake's excerpt, with the same types", () => {
    const excerpt = buildSchema(fs.readFileSync(path.resolve(__dirname, "../fakes/stash-schema.graphql"), "utf8"));
    expect(excerptMismatches(fullStashSchema(), excerpt)).toEqual([]);
  });
});
