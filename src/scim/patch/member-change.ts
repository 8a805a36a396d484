import type { MemberChange } from "../../directory/types.js";

/**
 * Folds member operations, in request order, into one delta. An id added then removed (or the
 * reverse) ends as its last operation says; after a full replacement, later adds and removes edit
 * the replacement list itself.
 */
export class MemberChangeBuilder {
  #replaceAll: Set<string> | null = null;
  readonly #add = new Set<string>();
  readonly #remove = new Set<string>();

  add(ids: readonly string[]): void {
    for (const id of ids) {
      this.#remove.delete(id);
      if (this.#replaceAll) this.#replaceAll.add(id);
      else this.#add.add(id);
    }
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      this.#add.delete(id);
      if (this.#replaceAll) this.#replaceAll.delete(id);
      else this.#remove.add(id);
    }
  }

  replaceAll(ids: readonly string[]): void {
    this.#replaceAll = new Set(ids);
    this.#add.clear();
    this.#remove.clear();
  }

  toChange(): MemberChange {
    return {
      replaceAll: this.#replaceAll ? [...this.#replaceAll] : null,
      add: [...this.#add],
      remove: [...this.#remove],
    };
  }
}
