"""Make scenarios/songjiang-parcels.csv: a synthetic land book for songjiang-2016.toml.

The parcels are invented. Their sizes, prices and tax yields are drawn
(with a fixed seed, so the file can be made again exactly) from the sourced
ranges used by the bundled scenarios:

- residential land price 16.4 M to 40.8 M yuan/mu (2015 Sijing plot, ww01;
  2016 Sunac floor price at plot ratio 1.6, Mingtiandi), most near 30 M;
- industrial land price 0.52 M to 1.6 M yuan/mu (national 2016 average, China
  Daily 2017; Shanghai 2021 "standard land", low reliability);
- total tax per mu at full output 255,000 to 1,300,000 yuan/mu/yr (Zhejiang
  2017 average, DRC 2018; new Songjiang projects 2023);
- land acquisition and preparation at 0.80 of the residential price, the same
  in both options (MOF via China Daily 2016), so it cancels per parcel;
- sizes of 5 to 80 mu, scaled so that the book holds 1,000 mu in all.

Run:  python scenarios/make_parcels.py > scenarios/songjiang-parcels.csv
"""

import numpy as np

TOWNS = [
    "Sijing",
    "Dongjing",
    "Sheshan",
    "Xinqiao",
    "Jiuting",
    "Chedun",
    "Xiaokunshan",
    "Shihudang",
    "Maogang",
    "Xinbang",
    "Yexie",
]


def main(n=40, seed=2016):
    rng = np.random.default_rng(seed)
    size = np.exp(rng.uniform(np.log(5), np.log(80), n))
    size = np.round(size / size.sum() * 1000, 1)
    size[-1] = round(1000 - size[:-1].sum(), 1)
    res = rng.triangular(16.4e6, 30e6, 40.8e6, n).round(-4)
    ind = rng.uniform(0.52e6, 1.6e6, n).round(-3)
    tax = np.exp(rng.uniform(np.log(255_000), np.log(1_300_000), n)).round(-3)
    cost = -(0.8 * res).round(-4)
    town = rng.choice(TOWNS, n)
    print(
        "id,town,scenario.area,rooster.land_sale.amount,rooster.land_cost.amount,"
        "hen.land_sale.amount,hen.land_cost.amount,hen.tax.amount"
    )
    for i in range(n):
        print(
            f"SJ-{i + 1:03d},{town[i]},{size[i]:.1f},{res[i]:.0f},{cost[i]:.0f},"
            f"{ind[i]:.0f},{cost[i]:.0f},{tax[i]:.0f}"
        )


if __name__ == "__main__":
    main()
