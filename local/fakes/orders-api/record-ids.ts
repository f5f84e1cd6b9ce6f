// A stream's ids in the fake: a prefix and the record's index plus one in 7 digits (`ord_0000001`, `prod_0000042`),
// so string order is index order (what ties by id sort on) up to 9,999,999 records.

export class RecordIds {
  constructor(
    /** `ord`, `prod`, `cus`. */
    readonly prefix: string,
  ) {}

  idOf(index: number): string {
    return `${this.prefix}_${String(index + 1).padStart(7, '0')}`;
  }

  /** The index of an id this fake issued for a record among `size`, or null. */
  indexOf(id: string, size: number): number | null {
    if (!id.startsWith(`${this.prefix}_`)) return null;
    const digits = id.slice(this.prefix.length + 1);
    if (!/^\d{7,}$/.test(digits)) return null;
    const index = Number(digits) - 1;
    return index >= 0 && index < size ? index : null;
  }
}
