const unitsInMi: Readonly<Record<string, number>> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** A memory quantity such as 512Mi or 2Gi in mebibytes. */
export function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = match[2] ?? "";
  const bytesUnit = unit === "" ? 1 / (1024 * 1024) : (unitsInMi[unit] ?? Number.NaN);
  return Math.round(Number(match[1]) * bytesUnit);
}

/** A CPU quantity such as 250m or 2 in millicores. */
export function millicores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}
