// The app's formula parser (src/web/expression.ts) in Node: values against Math's, precedence and
// associativity as the grammar states them, and errors that name the position — for text that would
// be code elsewhere too, since a shared link carries the formula.
import { describe, expect, it } from 'vitest';
import { FormulaError, parseFormula } from '../../src/web/expression.ts';

describe('parseFormula', () => {
  it.each([
    [
      '3 + sin(1.1*x) + 0.6*sin(2.3*x + 0.5)',
      (x: number) => 3 + Math.sin(1.1 * x) + 0.6 * Math.sin(2.3 * x + 0.5),
    ],
    ['x^2 - 4*x', (x: number) => x ** 2 - 4 * x],
    ['max(abs(x - 2), 1) / 2', (x: number) => Math.max(Math.abs(x - 2), 1) / 2],
    ['exp(-x) * cos(pi*x)', (x: number) => Math.exp(-x) * Math.cos(Math.PI * x)],
    [
      'atan2(x, 2) + pow(e, 0.5) + ln(3) + log10(x + 11)',
      (x: number) => Math.atan2(x, 2) + Math.sqrt(Math.E) + Math.log(3) + Math.log10(x + 11),
    ],
    ['.5e1 * x + 1e-1', (x: number) => 5 * x + 0.1],
  ])('evaluates %s as Math does', (text, reference) => {
    const f = parseFormula(text);
    for (const x of [-2.5, 0, 0.3, 4, 10]) expect(f(x)).toBeCloseTo(reference(x), 12);
  });

  it('binds ^ and ** tighter than unary minus, to the right', () => {
    expect(parseFormula('-2^2')(0)).toBe(-4);
    expect(parseFormula('2^3^2')(0)).toBe(512);
    expect(parseFormula('2**-1')(0)).toBe(0.5);
    expect(parseFormula('(-2)^2')(0)).toBe(4);
    expect(parseFormula('1 - 2 - 3')(0)).toBe(-4);
    expect(parseFormula('8 / 4 / 2')(0)).toBe(1);
  });

  it.each([
    ['', 'empty', 0],
    ['x $ 2', "unexpected character '$'", 2],
    ['sin(x', "expected ')'", 5],
    ['foo(x)', "unknown name 'foo'", 0],
    ['constructor', "unknown name 'constructor'", 0],
    ['__proto__', "unknown name '__proto__'", 0],
    ['toString(x)', "unknown name 'tostring'", 0],
    ['max(x)', 'max takes 2 argument(s), got 1', 0],
    ['2 x', "unexpected 'x'", 2],
  ])('refuses %j naming what and where', (text, what, position) => {
    let error: unknown;
    try {
      parseFormula(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormulaError);
    expect((error as FormulaError).message).toContain(what);
    expect((error as FormulaError).position).toBe(position);
  });
});
