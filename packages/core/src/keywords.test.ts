import { describe, expect, it } from 'vitest';
import { DEFAULT_CRITICAL_KEYWORDS } from './defaults.js';
import { createKeywordMatcher } from './keywords.js';

const critical = createKeywordMatcher(DEFAULT_CRITICAL_KEYWORDS);

describe('createKeywordMatcher', () => {
  it.each([
    ['URGENT: invoice wrong', 'urgent'],
    ['Please fix this Asap.', 'asap'],
    ['need it (asap)!', 'asap'],
    ['GDPR request', 'gdpr'],
    ['Datenschutz/GDPR-Anfrage', 'gdpr'],
    ["KVKK'ya göre verilerimi silin", 'kvkk'],
    ['we have Data Loss on two nodes', 'data loss'],
  ])('finds a critical keyword in %j whatever its case', (text, keyword) => {
    expect(critical.first(text)).toBe(keyword);
  });

  it.each(['wasapp is great', 'asaps', 'asap2', 'my_asap_flag', 'urgently needed', 'insurgent group', 'gdprs'])(
    'does not fire inside another word: %j',
    (text) => {
      expect(critical.first(text)).toBeUndefined();
    },
  );

  it.each([
    'production down',
    'Production   DOWN',
    'production\ndown',
    'production\r\n\t down',
    'production\u00a0down',
  ])('matches the phrase "production down" across any whitespace: %j', (text) => {
    expect(critical.first(`Hi team, ${text} since 9am`)).toBe('production down');
  });

  it('does not match a phrase whose words are glued or split by other text', () => {
    expect(critical.first('productiondown')).toBeUndefined();
    expect(critical.first('production is down')).toBeUndefined();
  });

  it.each(['äasap', 'asapü', 'ßurgent', 'urgentß', 'asapı', 'çkvkk', 'kvkkş', 'Öurgent'])(
    'treats German and Turkish letters as part of the word, not as a boundary: %j',
    (text) => {
      expect(critical.first(text)).toBeUndefined();
    },
  );

  it.each([
    ['über production down', 'production down'],
    ['müşteri: ASAP lütfen', 'asap'],
    ['Größe urgent Änderung', 'urgent'],
  ])('a keyword next to German or Turkish words still matches: %j', (text, keyword) => {
    expect(critical.first(text)).toBe(keyword);
  });

  it('matches Turkish keywords whatever the case of the dotted and dotless i', () => {
    const turkish = createKeywordMatcher(['acil', 'İade']);
    expect(turkish.first('ACİL: sistem çalışmıyor')).toBe('acil');
    expect(turkish.first('ACIL yardım')).toBe('acil');
    expect(turkish.first('acil')).toBe('acil');
    expect(turkish.first('İADE istiyorum')).toBe('iade');
    expect(turkish.first('iade istiyorum')).toBe('iade');
    expect(turkish.first('ACİLEN')).toBeUndefined();
  });

  it('matches a decomposed umlaut against a composed keyword', () => {
    const german = createKeywordMatcher(['dringend über']);
    expect(german.first('Dringend u\u0308ber alles')).toBe('dringend über');
  });

  it('returns the first keyword in configuration order, not text order', () => {
    const m = createKeywordMatcher(['gdpr', 'urgent']);
    expect(m.first('urgent: a gdpr request')).toBe('gdpr');
  });

  it('trims and lower-cases configured keywords and ignores blank ones', () => {
    const m = createKeywordMatcher(['  ', '', ' GDPR ']);
    expect(m.first('a Gdpr question')).toBe('gdpr');
    expect(m.first('nothing to see')).toBeUndefined();
  });

  it('treats regular-expression characters in a keyword literally', () => {
    const m = createKeywordMatcher(['c++ crash', 'v1.2']);
    expect(m.first('our C++  crash report')).toBe('c++ crash');
    expect(m.first('cc crash')).toBeUndefined();
    expect(m.first('running v1x2')).toBeUndefined();
    expect(m.first('running v1.2 now')).toBe('v1.2');
  });

  it('gives the same answer when called repeatedly', () => {
    // A global-flag regex would carry lastIndex between calls and miss every other ticket.
    expect([1, 2, 3].map(() => critical.first('asap'))).toEqual(['asap', 'asap', 'asap']);
  });
});
