import { Controller, Get, Header } from '@nestjs/common';
import { platformApiDocument, referencePage, type OpenApiDocument } from '@platform/openapi';
import { Access } from '@platform/tenancy';

/**
 * The API described (ADR 0029): the OpenAPI 3.1 document generated from the route table and the
 * request schemas, and a browsable reference page rendered from it (no CDN). Public, like health.
 */
@Controller()
@Access({ scope: 'public' })
export class OpenApiHttpController {
  private readonly document: OpenApiDocument = platformApiDocument();
  private readonly page: string = referencePage(this.document);

  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return this.page;
  }
}
