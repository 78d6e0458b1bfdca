import { Module, type DynamicModule } from '@nestjs/common';
import { TitanHttpModule, type TitanHttpOptions } from '@titan/adapter-http';

/** The Nest root: only the HTTP adapter, fed with use cases built by the composition root. */
@Module({})
export class AppModule {
  static register(http: TitanHttpOptions): DynamicModule {
    return { module: AppModule, imports: [TitanHttpModule.forRoot(http)] };
  }
}
