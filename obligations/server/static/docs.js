// The HTTP API described from this server's openapi.json, rendered here: no script or style is
// fetched from elsewhere, so the page works on a machine without internet access.
"use strict";

let SPEC = null;
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};

function resolve(schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    const path = schema.$ref.replace(/^#\//, "").split("/");
    schema = path.reduce((node, key) => (node ? node[key] : undefined), SPEC);
  }
  return schema || {};
}

function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf || schema.oneOf) return (schema.anyOf || schema.oneOf).map(typeOf).join(" | ");
  if (schema.type === "array") return `array of ${typeOf(schema.items)}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  return schema.type || (schema.additionalProperties ? "object" : "any");
}

function schemaTree(schema, depth = 0) {
  const list = el("ul", { class: "schema" });
  const resolved = resolve(schema);
  const props = resolved.properties || {};
  const required = new Set(resolved.required || []);
  if (!Object.keys(props).length) {
    list.append(el("li", {}, el("span", { class: "type" }, typeOf(schema)),
      resolved.description ? el("span", { class: "desc" }, " — " + resolved.description) : ""));
    return list;
  }
  for (const [name, prop] of Object.entries(props)) {
    const item = el("li", {}, el("span", { class: "name" }, name), " ", el("span", { class: "type" }, typeOf(prop)));
    if (required.has(name)) item.append(" ", el("span", { class: "req" }, "required"));
    const info = resolve(prop);
    const description = prop.description || info.description;
    if (description) item.append(el("span", { class: "desc" }, " — " + description));
    const inner = prop.$ref ? info : prop.type === "array" ? resolve(prop.items) : null;
    if (inner && inner.properties && depth < 3) item.append(schemaTree(inner, depth + 1));
    list.append(item);
  }
  return list;
}

function operation(path, method, op) {
  const id = `${method}-${path}`.replace(/[^\w-]/g, "_");
  const section = el("section", { class: "op", id });
  section.append(el("h2", {}, el("span", { class: `method ${method}` }, method.toUpperCase()), path,
    el("span", { class: "tag" }, (op.tags || []).join(", "))));
  if (op.summary) section.append(el("p", {}, op.summary));
  if (op.description) section.append(el("pre", { class: "description" }, op.description));
  if (op.parameters && op.parameters.length) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "")));
    for (const p of op.parameters) {
      table.append(el("tr", {}, el("td", { class: "name" }, p.name), el("td", {}, p.in),
        el("td", { class: "type" }, typeOf(p.schema)), el("td", {}, p.required ? "required" : "")));
    }
    section.append(el("h3", {}, "Parameters"), table);
  }
  if (op.requestBody) {
    section.append(el("h3", {}, "Request body"));
    for (const [type, media] of Object.entries(op.requestBody.content || {})) {
      section.append(el("div", {}, el("code", {}, type)), schemaTree(media.schema || {}));
    }
  }
  section.append(el("h3", {}, "Responses"));
  for (const [status, response] of Object.entries(op.responses || {})) {
    const row = el("div", {}, el("span", { class: "status" }, status), " ", response.description || "");
    section.append(row);
    for (const [type, media] of Object.entries(response.content || {})) {
      if (media.schema && (media.schema.$ref || media.schema.properties)) {
        row.append(" ", el("code", {}, type));
        section.append(schemaTree(media.schema));
      } else row.append(" ", el("code", {}, type));
    }
  }
  return section;
}

async function main() {
  const reply = await fetch("openapi.json");
  SPEC = await reply.json();
  document.title = `${SPEC.info.title} ${SPEC.info.version} — HTTP API`;
  document.getElementById("title").textContent = `${SPEC.info.title} HTTP API`;
  document.getElementById("version").append(`version ${SPEC.info.version}`,
    SPEC.info.description ? el("pre", { class: "description" }, SPEC.info.description) : "");
  const main = document.getElementById("api");
  const toc = document.getElementById("toc");
  main.textContent = "";
  for (const [path, item] of Object.entries(SPEC.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const section = operation(path, method, op);
      main.append(section);
      toc.append(el("a", { href: "#" + section.id }, `${method.toUpperCase()} ${path}`));
    }
  }
}

main().catch((error) => { document.getElementById("api").textContent = "Cannot load openapi.json: " + error; });
