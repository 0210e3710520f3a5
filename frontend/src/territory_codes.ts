// The pure parts of the territory map (territory_map.ts): the codes of the form's field and
// the département of a commune. Tested without a browser (test/territory_codes.test.ts).

// The INSEE code of the département of a metropolitan commune: "46042" → "46",
// "2A004" → "2A"; null for anything that is not a commune code.
export function departementOfCommune(code: string): string | null {
  return /^(\d{2}|2[AB])\d{3}$/.test(code) ? code.slice(0, 2) : null;
}

// The codes of a text field of codes separated by spaces, commas or semicolons (as the
// server reads them), in order, without repeats.
export function parseCodes(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter((code) => code !== ''))];
}

// `text` with `code` added at the end, or removed when it was there.
export function toggleCode(text: string, code: string): string {
  const codes = parseCodes(text);
  return (codes.includes(code) ? codes.filter((each) => each !== code) : [...codes, code]).join(' ');
}
