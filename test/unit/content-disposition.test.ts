import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../src/http/routes/insights.routes.js';

describe('contentDisposition', () => {
  it('keeps a plain file name as it is', () => {
    expect(contentDisposition('super-users.csv')).toBe('attachment; filename="super-users.csv"');
  });

  it('gives a header-safe ASCII fallback and the exact name in UTF-8 for caller text', () => {
    const header = contentDisposition('experts-\u0006µ"x\r\n😍.csv');
    expect(header).toBe(`attachment; filename="experts-___x____.csv"; filename*=UTF-8''experts-%06%C2%B5%22x%0D%0A%F0%9F%98%8D.csv`);
    expect(/^[\x20-\x7e]*$/.test(header)).toBe(true);
  });

  it('survives a lone surrogate', () => {
    expect(contentDisposition('t\ud800.csv')).toContain("filename*=UTF-8''t%EF%BF%BD.csv");
  });
});
