import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /api/docs, the OpenAPI document at /api/docs-json (PRODUCT.md section 1). */
export function setupOpenApi(app: INestApplication, issuer: string): void {
  const config = new DocumentBuilder()
    .setTitle('Titan')
    .setDescription(
      'Zero-trust authentication engine. Services prove possession of an enrolled P-256 key and receive ' +
        'short-lived ES256 access tokens that any resource server verifies offline through the JWKS. ' +
        'Errors always have the shape { error, error_description }.',
    )
    .setVersion('0.1.0')
    .addServer(issuer)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Titan access token with aud = issuer' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
