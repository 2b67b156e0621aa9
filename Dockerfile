# Multi-stage build: the Swift toolchain builds the six executables; the runtime image
# carries only them, their resource bundles, the C libraries they link (libzmq, libpq, cairo) and
# the fonts the PDFs embed.
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq3-dev libpq-dev libcairo2-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Shared Shared
COPY Services Services
COPY Benchmarks Benchmarks
COPY Tests Tests
RUN swift build -c release --static-swift-stdlib \
      --product customer-service --product invoice-service --product payments-service \
      --product communications-service --product history-service --product gateway
RUN mkdir /out \
 && bin=$(swift build -c release --show-bin-path) \
 && cp "$bin"/customer-service "$bin"/invoice-service "$bin"/payments-service \
       "$bin"/communications-service "$bin"/history-service "$bin"/gateway /out/ \
 && cp -R "$bin"/*.resources /out/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq5 libpq5 libcairo2 fonts-dejavu-core ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin ar
COPY --from=build /out /app
WORKDIR /app
USER ar
# Each container runs one executable: `command: ["/app/customer-service"]`, etc.
CMD ["/app/gateway"]
