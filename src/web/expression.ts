// A target function typed by the user, e.g. `3 + sin(1.1*x)`, turned into (x) => number by a tiny
// recursive-descent parser: no eval and no `new Function`, so the text can name only x, numbers,
// the constants below and whitelisted Math functions — a shared URL cannot run code.
//
// Grammar (usual precedence; ^ and ** are right-associative and bind tighter than unary minus):
//   sum     = product (('+' | '-') product)*
//   product = unary (('*' | '/') unary)*
//   unary   = ('+' | '-') unary | power
//   power   = atom (('^' | '**') unary)?
//   atom    = number | 'x' | constant | function '(' sum (',' sum)* ')' | '(' sum ')'

export class FormulaError extends Error {
  constructor(
    message: string,
    /** Character offset of the problem in the formula text. */
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'FormulaError';
  }
}

type Fn = (x: number) => number;

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** Whitelisted functions and their arity. */
const FUNCTIONS: Record<string, { arity: number; apply: (...a: number[]) => number }> = {
  sin: { arity: 1, apply: Math.sin },
  cos: { arity: 1, apply: Math.cos },
  tan: { arity: 1, apply: Math.tan },
  asin: { arity: 1, apply: Math.asin },
  acos: { arity: 1, apply: Math.acos },
  atan: { arity: 1, apply: Math.atan },
  sinh: { arity: 1, apply: Math.sinh },
  cosh: { arity: 1, apply: Math.cosh },
  tanh: { arity: 1, apply: Math.tanh },
  exp: { arity: 1, apply: Math.exp },
  log: { arity: 1, apply: Math.log },
  ln: { arity: 1, apply: Math.log },
  log10: { arity: 1, apply: Math.log10 },
  sqrt: { arity: 1, apply: Math.sqrt },
  abs: { arity: 1, apply: Math.abs },
  floor: { arity: 1, apply: Math.floor },
  ceil: { arity: 1, apply: Math.ceil },
  sign: { arity: 1, apply: Math.sign },
  min: { arity: 2, apply: Math.min },
  max: { arity: 2, apply: Math.max },
  pow: { arity: 2, apply: Math.pow },
  atan2: { arity: 2, apply: Math.atan2 },
};

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  value: number;
  position: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([a-z_][a-z0-9_]*)|(\*\*|[-+*/^(),]))/iy;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    pattern.lastIndex = position;
    const m = pattern.exec(text);
    if (!m) {
      const at = position + (text.slice(position).length - text.slice(position).trimStart().length);
      throw new FormulaError(`unexpected character '${text[at]}'`, at);
    }
    const start = pattern.lastIndex - m[0].trimStart().length;
    if (m[1] !== undefined) tokens.push({ kind: 'number', text: m[1], value: Number(m[1]), position: start });
    else if (m[2] !== undefined)
      tokens.push({ kind: 'name', text: m[2].toLowerCase(), value: 0, position: start });
    else tokens.push({ kind: 'op', text: m[3], value: 0, position: start });
    position = pattern.lastIndex;
  }
  tokens.push({ kind: 'end', text: 'end of formula', value: 0, position: text.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private accept(op: string): boolean {
    const t = this.peek();
    if (t.kind === 'op' && t.text === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(op: string): void {
    const t = this.peek();
    if (!this.accept(op)) throw new FormulaError(`expected '${op}' but found '${t.text}'`, t.position);
  }

  parse(): Fn {
    const f = this.sum();
    const t = this.peek();
    if (t.kind !== 'end') throw new FormulaError(`unexpected '${t.text}'`, t.position);
    return f;
  }

  private sum(): Fn {
    let f = this.product();
    for (;;) {
      if (this.accept('+')) {
        const [a, b] = [f, this.product()];
        f = (x) => a(x) + b(x);
      } else if (this.accept('-')) {
        const [a, b] = [f, this.product()];
        f = (x) => a(x) - b(x);
      } else return f;
    }
  }

  private product(): Fn {
    let f = this.unary();
    for (;;) {
      if (this.accept('*')) {
        const [a, b] = [f, this.unary()];
        f = (x) => a(x) * b(x);
      } else if (this.accept('/')) {
        const [a, b] = [f, this.unary()];
        f = (x) => a(x) / b(x);
      } else return f;
    }
  }

  private unary(): Fn {
    if (this.accept('-')) {
      const a = this.unary();
      return (x) => -a(x);
    }
    if (this.accept('+')) return this.unary();
    return this.power();
  }

  private power(): Fn {
    const base = this.atom();
    if (this.accept('^') || this.accept('**')) {
      const exponent = this.unary();
      return (x) => Math.pow(base(x), exponent(x));
    }
    return base;
  }

  private atom(): Fn {
    const t = this.peek();
    if (t.kind === 'number') {
      this.i++;
      return () => t.value;
    }
    if (this.accept('(')) {
      const inner = this.sum();
      this.expect(')');
      return inner;
    }
    if (t.kind !== 'name') throw new FormulaError(`unexpected '${t.text}'`, t.position);
    this.i++;
    if (t.text === 'x') return (x) => x;
    // Own keys only: `in` and plain indexing would also find Object.prototype's (`constructor`).
    if (Object.hasOwn(CONSTANTS, t.text)) {
      const value = CONSTANTS[t.text];
      return () => value;
    }
    const fn = Object.hasOwn(FUNCTIONS, t.text) ? FUNCTIONS[t.text] : undefined;
    if (!fn) {
      const known = ['x', ...Object.keys(CONSTANTS), ...Object.keys(FUNCTIONS)].join(', ');
      throw new FormulaError(`unknown name '${t.text}' (known: ${known})`, t.position);
    }
    this.expect('(');
    const args = [this.sum()];
    while (this.accept(',')) args.push(this.sum());
    if (args.length !== fn.arity) {
      throw new FormulaError(`${t.text} takes ${fn.arity} argument(s), got ${args.length}`, t.position);
    }
    this.expect(')');
    return (x) => fn.apply(...args.map((a) => a(x)));
  }
}

/** Parses `text` as a function of x; throws FormulaError naming the position of the problem. */
export function parseFormula(text: string): Fn {
  if (text.trim() === '') throw new FormulaError('the formula is empty', 0);
  return new Parser(tokenize(text)).parse();
}
