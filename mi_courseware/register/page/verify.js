// Checks a certificate's verification code against this site's signed records.
// The code is normalised as mi-courseware reads it (case, spaces and hyphens ignored; O, I
// and L read as 0, 1 and 1) and its check symbol tested (Luhn mod 32). Then (Web Crypto):
//   site format 2: PBKDF2-HMAC-SHA256 of the code and the site's salt (iterations from
//     site.json) gives a secret; HMACs of it give the record's name, r/<name>.json, and its
//     AES-GCM key; the record is decrypted (its name as additional data);
//   site format 1 (published before): the record is r/<SHA-256 of salt:code>.json, in clear.
// The record's Ed25519 signature is checked against the site's public key it names before
// anything is shown. (See mi_courseware/register/sealing.py and site.py.)
"use strict";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 12;
const FORMAT_1 = "mi-courseware verification site 1";
const FORMAT_2 = "mi-courseware verification site 2";
const KDF = "PBKDF2-HMAC-SHA256";
const MOST_ITERATIONS = 10000000;
const encode = (text) => new TextEncoder().encode(text);

const $ = (id) => document.getElementById(id);

function normalise(typed) {
  return typed.trim().toUpperCase().replace(/[\s-]+/g, "")
    .replace(/O/g, "0").replace(/[IL]/g, "1");
}

function luhnOk(compact) {
  let total = 0;
  let double = false;
  for (let i = compact.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(compact[i]);
    const addend = double ? value * 2 : value;
    total += Math.floor(addend / 32) + (addend % 32);
    double = !double;
  }
  return total % 32 === 0;
}

function group(compact) {
  return compact.match(/.{1,4}/g).join("-");
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function bytes(base64) {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function show(state, verdict, explain, rows) {
  const result = $("result");
  result.hidden = false;
  result.dataset.state = state;
  $("verdict").textContent = verdict;
  $("explain").textContent = explain || "";
  const details = $("details");
  details.replaceChildren();
  for (const [term, value] of rows || []) {
    if (value === null || value === undefined || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    details.append(dt, dd);
  }
  document.body.dataset.checked = state;
}

// Dates as the issuer's other documents write them ("26 January 2027", in its language:
// site.json's month names); a site published before gave none, and its dates stay ISO.
let MONTHS = null;

function day(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!match || !MONTHS) return iso;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

// The issuer's logo, given as a data: address of a PNG or SVG picture (shown in an <img>,
// where nothing in it can run).
function showLogo(logo) {
  if (!logo || typeof logo.src !== "string") return;
  if (!/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(logo.src)) return;
  const image = $("logo");
  image.src = logo.src;
  image.alt = typeof logo.alt === "string" ? logo.alt : "";
  image.hidden = false;
}

function hours(value) {
  if (value === null || value === undefined) return "";
  return `${Number(value).toString()} hours`;
}

function describe(p) {
  return [
    ["Holder", p.name],
    ["Course", p.course],
    ["Date", p.dates],
    ["CPD", hours(p.cpd_hours)],
    ["Issued by", p.client],
    ["Number", p.number],
    ["Issued", day(p.issued)],
  ];
}

async function load(url) {
  const response = await fetch(url, { cache: "no-store", credentials: "omit" });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

// The name and key of a format-2 record: one slow derivation, then labelled HMACs.
async function sealing(site, code) {
  const kdf = site.kdf || {};
  const iterations = Number(kdf.iterations);
  if (kdf.name !== KDF || !Number.isInteger(iterations) || iterations < 1 ||
      iterations > MOST_ITERATIONS) {
    throw new Error("site.json names a key derivation this page does not know");
  }
  const base = await crypto.subtle.importKey("raw", encode(code), "PBKDF2", false, ["deriveBits"]);
  const secret = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: encode(`mi-courseware record|${site.salt}`), iterations },
    base, 256);
  const master = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" },
    false, ["sign"]);
  const label = (text) => crypto.subtle.sign("HMAC", master, encode(text));
  const id = hex(await label("mi-courseware record name"));
  const key = await crypto.subtle.importKey("raw", await label("mi-courseware record key"),
    { name: "AES-GCM" }, false, ["decrypt"]);
  return { id, key };
}

// The signed record inside a sealed one (null when it does not open: changed or moved).
async function unseal(sealed, text) {
  try {
    const record = JSON.parse(text);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes(record.nonce), additionalData: encode(sealed.id) },
      sealed.key, bytes(record.sealed));
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch (error) {
    if (error instanceof DOMException && error.name === "NotSupportedError") throw error;
    return null;
  }
}

function publicKey(site, name) {
  const entry = site.keys[name];
  if (typeof entry === "string") return entry; // format 1: the key itself
  return entry && typeof entry.public === "string" ? entry.public : null;
}

async function verifyRecord(site, id, text) {
  let record;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  const key = publicKey(site, record.key);
  if (!key || typeof record.payload !== "string" || typeof record.signature !== "string") {
    return null;
  }
  let ok = false;
  try {
    const publicKey = await crypto.subtle.importKey("raw", bytes(key), { name: "Ed25519" },
      false, ["verify"]);
    ok = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, bytes(record.signature),
      encode(record.payload));
  } catch (error) {
    if (error instanceof DOMException && error.name === "NotSupportedError") throw error;
    return null;
  }
  if (!ok) return null;
  const payload = JSON.parse(record.payload);
  return payload.id === id ? payload : null;
}

async function check(site, typed) {
  const compact = normalise(typed);
  if (compact.length !== LENGTH || /[^0-9A-Z]/.test(compact)) {
    show("malformed", "Not a verification code",
      "A code has 12 letters and digits, in three groups of four, like 7KQ2-M9XD-F3HG.");
    return;
  }
  const wrong = [...compact].find((c) => !ALPHABET.includes(c));
  if (wrong || !luhnOk(compact)) {
    show("mistyped", "Probably mistyped",
      wrong ? `The letter '${wrong}' is never used in codes. Check each character and try again.`
        : "Its last character does not match the others. Check each character and try again.");
    return;
  }
  const code = group(compact);
  let id;
  let sealed = null;
  if (site.format === FORMAT_2) {
    sealed = await sealing(site, code);
    id = sealed.id;
  } else {
    id = hex(await crypto.subtle.digest("SHA-256", encode(`${site.salt}:${code}`)));
  }
  let text = await load(`r/${id}.json`);
  if (text === null) {
    show("unknown", "Unknown code",
      `No certificate with the code ${code} is published here. Check the code; if it is right, ` +
      "the certificate is not genuine or has not been published yet: ask the organisation that issued it.");
    return;
  }
  if (sealed !== null) text = await unseal(sealed, text);
  const p = text === null ? null : await verifyRecord(site, id, text);
  if (p === null) {
    show("tampered", "Tampered record: do not rely on it",
      "The record for this code does not carry a valid signature of the issuing organisation: " +
      "it was changed after publishing. Contact the organisation that issued the certificate.");
    return;
  }
  const rows = describe(p);
  if (p.status === "issued") {
    show("valid", "Valid certificate",
      p.confirmed ? `Attendance confirmed on ${day(p.confirmed)}.` : "", rows);
  } else if (p.status === "reissued") {
    show("reissued", `Valid certificate, reissued on ${day(p.reissued)}`,
      "This certificate was corrected and reissued with the same number. The details below are " +
      "the current ones: a copy showing different details is superseded and no longer valid.", rows);
  } else if (p.status === "revoked") {
    show("revoked", `Revoked on ${day(p.since)}: not valid`,
      "The organisation that issued this certificate has withdrawn it.", rows);
  } else if (p.status === "prepared") {
    show("prepared", "Prepared, awaiting attendance: not valid yet",
      "This certificate was printed before the course ended. It becomes valid once the " +
      "organisation confirms that the holder attended.", rows);
  } else if (p.status === "void") {
    show("void", "Void: never valid",
      `This certificate was prepared before the course, but attendance was not confirmed (voided ${day(p.since)}).`,
      rows);
  } else {
    show("unknown", "Unknown status", "Ask the organisation that issued the certificate.", rows);
  }
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const typed = params.get("code") || params.get("cod") || "";
  $("code").value = typed;
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    show("unsupported", "This page cannot check codes here",
      "It must be opened over HTTPS (or from this computer) so that the browser can check " +
      "signatures. Ask the organisation for its HTTPS address.");
    return;
  }
  let site;
  try {
    site = JSON.parse(await load("site.json"));
  } catch (error) {
    show("error", "The site is incomplete", `site.json could not be read (${error.message}).`);
    return;
  }
  if (!site || (site.format !== FORMAT_1 && site.format !== FORMAT_2)) {
    show("error", "The site is incomplete", "site.json is not one this page can read.");
    return;
  }
  if (site.title) $("issuer").textContent = site.title;
  if (Array.isArray(site.months) && site.months.length === 12 &&
      site.months.every((m) => typeof m === "string")) {
    MONTHS = site.months;
  }
  showLogo(site.logo);
  if (!typed) {
    document.body.dataset.checked = "idle";
    return;
  }
  try {
    await check(site, typed);
  } catch (error) {
    if (error instanceof DOMException && error.name === "NotSupportedError") {
      show("unsupported", "This browser cannot check signatures",
        "It lacks Ed25519 in Web Crypto. Use a current version of Firefox, Chrome, Edge or Safari.");
    } else {
      show("error", "The check could not be completed", String(error.message || error));
    }
  }
}

main();
