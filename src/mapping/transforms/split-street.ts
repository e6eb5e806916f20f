/** A Dutch address line in its three parts, as Asperion and most Dutch APIs want them. */
export interface StreetParts {
  street: string;
  /** Digits only; '' when the line has no house number. */
  houseNumber: string;
  /** Letter, number or word after the house number ('A', '2', 'bis', 'hs', 'II', 'a-3'); often ''. */
  addition: string;
}

/** "2hg", "1e", "3de", "1ste": a floor written after the house number. */
const floorToken = /^\d{1,2}(?:e|de|ste|hg|h|hoog)$/i;
const floorWord = /^(?:hoog|hg|etage|verd|verdieping)$/i;
/** "123" or "123a": a house number with at most a glued letter. */
const plainHouseNumber = /^\d+[a-z]?$/i;

/**
 * Split "Keizersgracht 123-2" into street, house number and addition.
 *
 * The house number is the last word that starts with a digit and is not the first word, so street
 * names that contain numbers keep them ("Plein 1940-1945 12", "1e Van Swindenstraat 12 hs"). The
 * addition is what is glued to the number ("123A", "12a-3", "7-II", one leading '-' or '/' dropped)
 * plus every word after it ("123 bis", "5 B"). A floor written after the number ("123 2hg",
 * "123 3 hoog") belongs to the addition. Commas are read as spaces. "Keizersgracht 123 2" cannot be told apart from a street
 * named "Keizersgracht 123" and is read that way: write "123-2".
 */
export function splitStreet(line: string): StreetParts {
  const words = line
    .replace(/,/g, ' ')
    .trim()
    .replace(/(\d)\s*-\s*(?=[0-9a-z])/gi, '$1-')
    .split(/\s+/)
    .filter((w) => w !== '');
  let at = findHouseNumberWord(words);
  if (at < 0) return { street: words.join(' '), houseNumber: '', addition: '' };
  const previous = words[at - 1] ?? '';
  if (at >= 2 && plainHouseNumber.test(previous) && isFloor(words, at)) at -= 1;
  const m = /^(\d+)(.*)$/.exec(words[at] ?? '');
  const glued = m?.[2] ?? '';
  const addition = [glued, ...words.slice(at + 1)]
    .filter((w) => w !== '')
    .join(' ')
    .replace(/^[-/]\s*/, '');
  return {
    street: words.slice(0, at).join(' '),
    houseNumber: m?.[1] ?? '',
    addition,
  };
}

function findHouseNumberWord(words: readonly string[]): number {
  for (let i = words.length - 1; i > 0; i--) {
    if (/^\d/.test(words[i] ?? '')) return i;
  }
  return -1;
}

function isFloor(words: readonly string[], at: number): boolean {
  const word = words[at] ?? '';
  return floorToken.test(word) || (/^\d{1,2}$/.test(word) && floorWord.test(words[at + 1] ?? ''));
}
