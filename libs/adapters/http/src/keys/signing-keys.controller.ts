import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListSigningKeysUseCase, RevokeSigningKeyUseCase, RotateSigningKeysUseCase, type AppliedKeyTransition } from '@titan/application';
import { AdminGuard, type AuthenticatedRequest } from '../auth/admin.guard';
import { requestContext } from '../auth/request-context';
import { unwrap } from '../errors/domain-error.mapper';
import { ApiErrors } from '../openapi/error-responses';
import {
  KeyChangeView, presentSigningKey, presentTransition, RevokeSigningKeyDto, RotateSigningKeysQuery, SigningKeyPage,
  SigningKeyParams,
} from './signing-keys.dto';

/** Titan's own token-signing keys (PRODUCT.md section 6, ADR 0005). Admin only; never private material. */
@ApiTags('signing keys')
@ApiBearerAuth()
@ApiErrors(401, 403, 415, 429)
@UseGuards(AdminGuard)
@Controller('v1/admin/keys')
export class SigningKeysController {
  constructor(
    private readonly listKeys: ListSigningKeysUseCase,
    private readonly rotateKeys: RotateSigningKeysUseCase,
    private readonly revokeKey: RevokeSigningKeyUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List signing keys with their state (next, active, retired, removed, revoked) and lifecycle times' })
  @ApiOkResponse({ type: SigningKeyPage })
  async list(): Promise<SigningKeyPage> {
    return { items: unwrap(await this.listKeys.execute()).map(presentSigningKey), nextCursor: null };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate now: publish a next key in the JWKS; it starts signing one JWKS cache period (plus propagation) later, never before',
  })
  @ApiOkResponse({ type: KeyChangeView })
  @ApiErrors(400)
  async rotate(@Query() query: RotateSigningKeysQuery, @Req() request: AuthenticatedRequest): Promise<KeyChangeView> {
    const transitions = unwrap(await this.rotateKeys.execute({ trigger: 'on_demand', ...(query.alg && { alg: query.alg }) }, requestContext(request)));
    return this.changed(transitions);
  }

  @Post(':kid/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Emergency revocation: the key leaves the JWKS at once and its tokens stop verifying at Titan; ' +
      'if it was signing, its successor signs at once (caches may briefly miss it)',
  })
  @ApiOkResponse({ type: KeyChangeView })
  @ApiErrors(400, 404)
  async revoke(@Param() params: SigningKeyParams, @Body() body: RevokeSigningKeyDto, @Req() request: AuthenticatedRequest): Promise<KeyChangeView> {
    return this.changed(unwrap(await this.revokeKey.execute({ kid: params.kid, reason: body.reason }, requestContext(request))));
  }

  private async changed(transitions: readonly AppliedKeyTransition[]): Promise<KeyChangeView> {
    return { transitions: transitions.map(presentTransition), keys: unwrap(await this.listKeys.execute()).map(presentSigningKey) };
  }
}
