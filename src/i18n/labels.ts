import { ART_49_DEROGATIONS, type TransferMechanism } from "../domain/annex";
import type { Messages } from "./types";

/** A transfer tool in words, in one language; an Art. 49 derogation says it suits occasional transfers only. */
export function mechanismLabel(t: TransferMechanism, m: Messages): string {
  switch (t.type) {
    case "sccs_2021_914":
      return m.sccs(t.module);
    case "bcr":
      return m.bcr;
    case "bcr_processor":
      return m.bcr_processor;
    case "bcr_controller":
      return m.bcr_controller;
    case "art_46":
      return m.art_46[t.route];
    case "derogation_art_49":
      return `${m.art_49(String.fromCharCode(97 + ART_49_DEROGATIONS.indexOf(t.derogation)), m.derogation[t.derogation])} – ${m.art_49_warning}`;
  }
}
