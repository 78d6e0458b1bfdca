import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddIdentityKeyUseCase, GetIdentityUseCase, ListIdentitiesUseCase, RegisterIdentityUseCase, RetireIdentityKeyUseCase,
  RevokeIdentityUseCase,
} from '@titan/application';
import type { FastifyReply } from 'fastify';
import { AdminGuard, type AuthenticatedRequest } from '../auth/admin.guard';
import { requestContext } from '../auth/request-context';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '../conventions/page-query.dto';
import { unwrap } from '../errors/domain-error.mapper';
import { ApiErrors } from '../openapi/error-responses';
import {
  AddIdentityKeyDto, IdentityIdParams, IdentityKeyParams, IdentityPageView, IdentityView,
  RegisterIdentityDto, RegisteredIdentityView, RevokeIdentityDto,
} from './identity.dto';
import { presentIdentity } from './identity.presenter';

/** The identity registry of the autonomous CA (PRODUCT.md section 3). Admin only. */
@ApiTags('identities')
@ApiBearerAuth()
@ApiErrors(401, 403, 415, 429)
@UseGuards(AdminGuard)
@Controller('v1/identities')
export class IdentitiesController {
  constructor(
    private readonly registerIdentity: RegisterIdentityUseCase,
    private readonly getIdentity: GetIdentityUseCase,
    private readonly listIdentities: ListIdentitiesUseCase,
    private readonly addKey: AddIdentityKeyUseCase,
    private readonly retireKey: RetireIdentityKeyUseCase,
    private readonly revokeIdentity: RevokeIdentityUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a service identity with its first P-256 public key (and, with secret: true, a client secret shown once)' })
  @ApiCreatedResponse({ type: RegisteredIdentityView })
  @ApiErrors(400, 409, 413)
  async register(
    @Body() body: RegisterIdentityDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IdentityView | RegisteredIdentityView> {
    const registered = unwrap(await this.registerIdentity.execute(body, requestContext(request)));
    const view = presentIdentity(registered.identity);
    if (registered.clientSecret === null) return view;
    // Shown once: the answer must not be stored by any cache on the way.
    reply.header('Cache-Control', 'no-store');
    return { ...view, clientSecret: registered.clientSecret };
  }

  @Get()
  @ApiOperation({ summary: 'List identities, ordered by id' })
  @ApiOkResponse({ type: IdentityPageView })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<IdentityPageView> {
    const page = unwrap(await this.listIdentities.execute({ limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor ?? null }));
    return { items: page.items.map(presentIdentity), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one identity' })
  @ApiOkResponse({ type: IdentityView })
  @ApiErrors(400, 404)
  async get(@Param() params: IdentityIdParams): Promise<IdentityView> {
    return presentIdentity(unwrap(await this.getIdentity.execute(params.id)));
  }

  @Post(':id/keys')
  @ApiOperation({ summary: 'Add a public key (key rotation, step 1)' })
  @ApiCreatedResponse({ type: IdentityView })
  @ApiErrors(400, 404, 409)
  async addIdentityKey(@Param() params: IdentityIdParams, @Body() body: AddIdentityKeyDto, @Req() request: AuthenticatedRequest): Promise<IdentityView> {
    return presentIdentity(unwrap(await this.addKey.execute({ id: params.id, publicKey: body.publicKey }, requestContext(request))));
  }

  @Delete(':id/keys/:thumbprint')
  @ApiOperation({ summary: 'Retire a key (key rotation, step 2); the last key cannot be retired' })
  @ApiOkResponse({ type: IdentityView })
  @ApiErrors(400, 404, 409)
  async retireIdentityKey(@Param() params: IdentityKeyParams, @Req() request: AuthenticatedRequest): Promise<IdentityView> {
    return presentIdentity(unwrap(await this.retireKey.execute({ id: params.id, thumbprint: params.thumbprint }, requestContext(request))));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an identity: no new tokens, outstanding tokens stop working at Titan' })
  @ApiOkResponse({ type: IdentityView })
  @ApiErrors(400, 404, 409)
  async revoke(@Param() params: IdentityIdParams, @Body() body: RevokeIdentityDto, @Req() request: AuthenticatedRequest): Promise<IdentityView> {
    return presentIdentity(unwrap(await this.revokeIdentity.execute({ id: params.id, reason: body.reason }, requestContext(request))));
  }
}
