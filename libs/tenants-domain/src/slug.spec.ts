import { checkSlug, RESERVED_SLUGS } from './slug';

describe('checkSlug', () => {
  it.each(['acme', 'a-1', 'acme-inc-2', `a${'b'.repeat(62)}`])('accepts %j', (slug) => {
    expect(checkSlug(slug)).toEqual({ ok: true, slug });
  });

  it.each([
    ['too short', 'ab'],
    ['too long', `a${'b'.repeat(63)}`],
    ['upper case', 'Acme'],
    ['starting with a digit', '1acme'],
    ['starting with "-"', '-acme'],
    ['ending with "-", which DNS forbids', 'acme-'],
    ['an underscore', 'acme_inc'],
    ['a dot', 'acme.inc'],
    ['empty', ''],
  ])('refuses a slug %s', (_why, slug) => {
    expect(checkSlug(slug)).toEqual({
      ok: false,
      rejection: {
        kind: 'validation',
        code: 'slug-invalid',
        detail: `the slug ${JSON.stringify(slug)} is not valid`,
        errors: [
          {
            path: '/slug',
            message:
              'lower-case letters, digits and "-", 3 to 63, starting with a letter and not ending with "-"',
          },
        ],
      },
    });
  });

  it.each(['admin', 'api', 'www', 'platform'])('refuses the reserved slug %j', (slug) => {
    expect(checkSlug(slug)).toEqual({
      ok: false,
      rejection: {
        kind: 'validation',
        code: 'slug-reserved',
        detail: `the slug ${slug} is reserved`,
        errors: [{ path: '/slug', message: 'reserved by the platform' }],
      },
    });
  });

  it('reserves only slugs that would otherwise be valid', () => {
    for (const slug of RESERVED_SLUGS)
      expect(checkSlug(slug)).toMatchObject({ rejection: { code: 'slug-reserved' } });
  });
});
